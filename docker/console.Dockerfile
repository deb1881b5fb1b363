# syntax=docker/dockerfile:1
# The console web app on nginx: docker build -f docker/console.Dockerfile .

FROM node:20-bookworm-slim AS build
WORKDIR /workspace
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx build console-web --skip-nx-cache --exclude-task-dependencies

FROM nginx:1.27-alpine AS runtime
# openssl: the self-signed certificate made at the first start when none is mounted
RUN apk add --no-cache openssl
COPY docker/nginx/nginx.conf /etc/nginx/nginx.conf
COPY docker/nginx/console.conf /etc/nginx/conf.d/default.conf
COPY docker/nginx/security-headers.conf /etc/nginx/snippets/security-headers.conf
# the image's entrypoint runs /docker-entrypoint.d/*.sh before nginx starts
COPY --chmod=755 docker/nginx/self-signed-cert.sh /docker-entrypoint.d/40-self-signed-cert.sh
COPY --from=build /workspace/dist/apps/console-web/ /usr/share/nginx/html/
EXPOSE 8080 8443
