# The console web app on nginx: docker build -f docker/console.Dockerfile .
# syntax=docker/dockerfile:1

FROM node:20-bookworm-slim AS build
WORKDIR /workspace
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx build console-web --skip-nx-cache --exclude-task-dependencies

FROM nginx:1.27-alpine AS runtime
COPY docker/nginx/console.conf /etc/nginx/conf.d/default.conf
COPY --from=build /workspace/dist/apps/console-web/ /usr/share/nginx/html/
EXPOSE 8080
