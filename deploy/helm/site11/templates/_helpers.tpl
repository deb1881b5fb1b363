{{/*
Merges map b into map a, key by key, a copy. Unlike sprig's mergeOverwrite it lets a false or a 0
in an app's entry override the defaults (mergo skips "empty" values).
*/}}
{{- define "site11.merge" -}}
{{- $merged := deepCopy (index . 0) -}}
{{- range $key, $value := index . 1 -}}
{{- if and (kindIs "map" $value) (kindIs "map" (get $merged $key)) -}}
{{- $_ := set $merged $key (include "site11.merge" (list (get $merged $key) $value) | fromYaml) -}}
{{- else -}}
{{- $_ := set $merged $key $value -}}
{{- end -}}
{{- end -}}
{{- toYaml $merged -}}
{{- end -}}

{{/*
The enabled apps, each merged over .Values.defaults, as YAML: `include "site11.apps" . | fromYaml`.
*/}}
{{- define "site11.apps" -}}
{{- $apps := dict -}}
{{- range $name, $entry := .Values.apps -}}
{{- $app := include "site11.merge" (list $.Values.defaults $entry) | fromYaml -}}
{{- if $app.enabled -}}
{{- if not $app.port -}}
{{- fail (printf "apps.%s.port is required: the gateway's HTTP port or the service's health port" $name) -}}
{{- end -}}
{{- $_ := set $apps $name $app -}}
{{- end -}}
{{- end -}}
{{- toYaml $apps -}}
{{- end -}}

{{- define "site11.chart" -}}
{{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{/* dict "root" $ "name" <app> */}}
{{- define "site11.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* dict "root" $ "name" <app> "component" gateway|service|console */}}
{{- define "site11.labels" -}}
{{ include "site11.selectorLabels" . }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/part-of: site11
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ include "site11.chart" .root }}
{{- end -}}

{{/*
Labels of a pod that must not restart when only the chart or app version changes (Redis: a
restart is an outage of every app while it reloads the AOF). dict as for site11.labels.
*/}}
{{- define "site11.stablePodLabels" -}}
{{ include "site11.selectorLabels" . }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/part-of: site11
{{- end -}}

{{/* Every pod of the release: what the default-deny policy selects. */}}
{{- define "site11.releaseSelector" -}}
app.kubernetes.io/part-of: site11
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* dict "root" $ "name" <image name> */}}
{{- define "site11.image" -}}
{{- $image := .root.Values.image -}}
{{- $registry := ternary "" (printf "%s/" (trimSuffix "/" $image.registry)) (empty $image.registry) -}}
{{- printf "%s%s%s:%s" $registry $image.prefix .name (default .root.Chart.AppVersion $image.tag) -}}
{{- end -}}

{{- define "site11.component" -}}
{{- ternary "gateway" "service" (eq (toString .gateway) "true") -}}
{{- end -}}

{{/* A memory quantity in Mi or Gi, as an integer number of MiB. */}}
{{- define "site11.mebibytes" -}}
{{- $quantity := toString . -}}
{{- if hasSuffix "Gi" $quantity -}}
{{- mul (trimSuffix "Gi" $quantity | atoi) 1024 -}}
{{- else if hasSuffix "Mi" $quantity -}}
{{- trimSuffix "Mi" $quantity | atoi -}}
{{- else -}}
{{- fail (printf "memory %q: write memory requests and limits in Mi or Gi" $quantity) -}}
{{- end -}}
{{- end -}}

{{/*
NODE_OPTIONS of an app (dict "name" <app> "app" <merged entry>): V8's old generation capped below
the container's memory limit, so V8 collects before the kernel kills. The rest of the limit is for
the young generation (4 MB semi-spaces, as docker/Dockerfile), code and native buffers: at least
64 MiB of it.
*/}}
{{- define "site11.nodeOptions" -}}
{{- $heap := int .app.heapMb -}}
{{- $limit := include "site11.mebibytes" (required (printf "apps.%s.resources.limits.memory is required" .name) .app.resources.limits.memory) | int -}}
{{- if gt (add $heap 64) $limit -}}
{{- fail (printf "apps.%s: heapMb %d leaves less than 64 MiB under the memory limit of %d MiB" .name $heap $limit) -}}
{{- end -}}
{{- printf "--max-old-space-size=%d --max-semi-space-size=4" $heap -}}
{{- end -}}

{{/* The preStop sleep, whole seconds: the app's shutdown delay, rounded up. */}}
{{- define "site11.preStopSeconds" -}}
{{- div (add (int .shutdown.delayMs) 999) 1000 -}}
{{- end -}}

{{/*
terminationGracePeriodSeconds, counted by the kubelet from the start of the preStop hook: the
preStop sleep, then after SIGTERM SHUTDOWN_GRACE_MS for in-flight work (rounded up), then the margin
to close connections and deregister. Past it the kubelet sends SIGKILL, so it must hold all three.
*/}}
{{- define "site11.terminationGracePeriodSeconds" -}}
{{- add (include "site11.preStopSeconds" .) (div (add (int .shutdown.graceMs) 999) 1000) (int .shutdown.marginSeconds) -}}
{{- end -}}

{{- define "site11.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .runAsUser }}
runAsGroup: {{ .runAsUser }}
fsGroup: {{ .runAsUser }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "site11.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
privileged: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
What the values may not combine, checked once per render (deployments.yaml includes it).
*/}}
{{- define "site11.checks" -}}
{{- $redis := .Values.redis -}}
{{- if and $redis.deploy $redis.clusterNodes -}}
{{- fail "redis.clusterNodes and redis.deploy exclude each other: the in-chart Redis is one node, not a Redis Cluster. Set redis.deploy=false to use a cluster of your own" -}}
{{- end -}}
{{- if and $redis.deploy $redis.tls -}}
{{- fail "redis.tls needs a Redis of your own: the in-chart Redis (redis.deploy) serves plain TCP inside the namespace. Set redis.deploy=false, or redis.tls=false" -}}
{{- end -}}
{{- end -}}

{{/* Where the apps reach Redis: the in-chart Redis's Service, or redis.host. */}}
{{- define "site11.redisHost" -}}
{{- if .Values.redis.deploy -}}redis{{- else -}}{{ .Values.redis.host }}{{- end -}}
{{- end -}}

{{/*
The ports the apps reach Redis on, as YAML list: redis.port, or the ports of redis.clusterNodes
(in a cluster REDIS_URL's host and port are not used; every node is expected on a listed port).
*/}}
{{- define "site11.redisPorts" -}}
{{- $ports := list -}}
{{- range .Values.redis.clusterNodes -}}
{{- $ports = append $ports (splitList ":" . | last | int) -}}
{{- end -}}
{{- if not $ports -}}
{{- $ports = list (int .Values.redis.port) -}}
{{- end -}}
{{- toYaml (uniq $ports) -}}
{{- end -}}

{{/*
The users of the chart's ACL file (files/redis/users.acl.in, a copy of docker/redis/users.acl.in
written by tools/platform/redis-acl.cjs), as YAML: a list of { user, variable }, where variable
is the password variable render-acl.sh hashes in place of #${variable}.
*/}}
{{- define "site11.redisAclUsers" -}}
{{- $acl := .Files.Get "files/redis/users.acl.in" -}}
{{- if not $acl -}}
{{- fail "files/redis/users.acl.in is missing from the chart: run node tools/platform/redis-acl.cjs" -}}
{{- end -}}
{{- $users := list -}}
{{- range regexFindAll "(?m)^user [^ ]+ reset on #\\$\\{[A-Z0-9_]+\\}" $acl -1 -}}
{{- $users = append $users (dict "user" (regexReplaceAll "^user ([^ ]+) .*$" . "${1}") "variable" (regexReplaceAll "^.*#\\$\\{([A-Z0-9_]+)\\}$" . "${1}")) -}}
{{- end -}}
{{- toYaml $users -}}
{{- end -}}

{{/*
The environment of an app's container, shared by its Deployment and its migration Job:
dict "root" $ "name" <app> "app" <merged entry> "apps" <enabled apps> "migrate" auto|only|off.
MIGRATE is a service's (an app with a database): only in the Job, off in the Deployment that
the Job migrated for, auto (at boot) without the Job.
*/}}
{{- define "site11.appEnv" -}}
{{- $root := .root -}}
{{- $name := .name -}}
{{- $app := .app -}}
{{- $redis := $root.Values.redis -}}
- name: NODE_ENV
  value: production
- name: NODE_OPTIONS
  value: {{ include "site11.nodeOptions" (dict "name" $name "app" $app) | quote }}
- name: INSTANCE_ID
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: APP_VERSION
  value: {{ default $root.Chart.AppVersion $root.Values.image.tag | quote }}
- name: LOG_LEVEL
  value: {{ $root.Values.logLevel | quote }}
- name: PUBLIC_URL
  value: {{ $root.Values.publicUrl | quote }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $redis.passwordSecret }}
      key: {{ $name }}
# the app's own ACL user; Kubernetes expands $(REDIS_PASSWORD), so the password is in no manifest
- name: REDIS_URL
  value: "{{ ternary "rediss" "redis" $redis.tls }}://{{ $name }}:$(REDIS_PASSWORD)@{{ include "site11.redisHost" $root }}:{{ $redis.port }}"
{{- with $redis.clusterNodes }}
# a Redis Cluster: the user, password and TLS still come from REDIS_URL, its host and port are not used
- name: REDIS_CLUSTER_NODES
  value: {{ join "," . | quote }}
{{- end }}
- name: SHUTDOWN_DELAY_MS
  value: "0"
- name: SHUTDOWN_GRACE_MS
  value: {{ $app.shutdown.graceMs | int | quote }}
{{- if $app.gateway }}
- name: PORT
  value: {{ $app.port | quote }}
- name: METRICS_PORT
  value: {{ required "the gateway's metricsPort is required: metrics are never served on its public port" $app.metricsPort | quote }}
# the console is served by its own pods (console.enabled)
- name: CONSOLE_DIR
  value: ""
- name: DOWNSTREAM_SERVICES
  value: {{ without (keys .apps | sortAlpha) $name | join "," | quote }}
{{- range $service, $other := .apps }}
{{- if $other.gatewayUrlEnv }}
- name: {{ $other.gatewayUrlEnv }}
  value: "http://{{ $service }}:{{ $other.port }}"
{{- end }}
{{- end }}
{{- else }}
- name: HEALTH_PORT
  value: {{ $app.port | quote }}
{{- end }}
{{- if $app.database }}
- name: MONGODB_URI
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.mongodb.uriSecret }}
      key: {{ $name }}
- name: {{ printf "%s_DB_NAME" ($name | upper | replace "-" "_") }}
  value: {{ $app.database | quote }}
- name: MIGRATE
  value: {{ .migrate | quote }}
{{- end }}
{{- range $variable, $value := $app.env }}
- name: {{ $variable }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- range $variable, $ref := $app.secretEnv }}
- name: {{ $variable }}
  valueFrom:
    secretKeyRef:
      name: {{ required (printf "apps.%s.secretEnv.%s.secret is required" $name $variable) $ref.secret }}
      key: {{ required (printf "apps.%s.secretEnv.%s.key is required" $name $variable) $ref.key }}
      {{- if $ref.optional }}
      optional: true
      {{- end }}
{{- end }}
{{- end -}}
