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
