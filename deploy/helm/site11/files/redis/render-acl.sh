#!/bin/sh
# Writes the ACL file Redis loads in docker compose (path: $1) from users.acl.in next to this
# script: comments are dropped and each #${VARIABLE} becomes the SHA-256 of that variable, the
# user's password, so the rendered file holds no password. Fails, naming it, on a password that is
# missing, shorter than 16 characters, or not URL-safe (apps carry theirs in a redis:// URL).
set -eu

template="$(dirname "$0")/users.acl.in"
output="$1"
umask 077
trap 'rm -f "$output.tmp"' EXIT
: > "$output.tmp"
while IFS= read -r line; do
  case "$line" in '' | '#'*) continue ;; esac
  variable=$(printf '%s\n' "$line" | sed -n 's/.*#\${\([A-Z0-9_]*\)}.*/\1/p')
  if [ -n "$variable" ]; then
    eval "password=\${$variable:-}"
    if [ -z "$password" ]; then
      echo "render-acl: $variable is not set" >&2
      exit 1
    fi
    case "$password" in
      *[!A-Za-z0-9_-]*)
        echo "render-acl: $variable may hold only letters, digits, - and _ (openssl rand -hex 24)" >&2
        exit 1
        ;;
    esac
    if [ "${#password}" -lt 16 ]; then
      echo "render-acl: $variable is shorter than 16 characters" >&2
      exit 1
    fi
    hash=$(printf '%s' "$password" | sha256sum | cut -d ' ' -f 1)
    line=$(printf '%s\n' "$line" | sed "s/#\${$variable}/#$hash/")
  fi
  printf '%s\n' "$line" >> "$output.tmp"
done < "$template"
mv "$output.tmp" "$output"
