{{/* The chart name, or nameOverride. */}}
{{- define "myapp.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The API's name: the release name when it contains the chart name (release "myapp" → "myapp"),
else "<release>-<chart>". The worker is "<that>-worker". parity's Tiltfile refers to both by
these names (apps myapp and myapp-worker, release name = the first app's name).
*/}}
{{- define "myapp.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "myapp.workerName" -}}
{{- printf "%s-worker" (include "myapp.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "myapp.selectorLabels" -}}
app.kubernetes.io/name: {{ include "myapp.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "myapp.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "myapp.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "myapp.image" -}}
{{- if .Values.image.tag }}
{{- printf "%s:%s" .Values.image.repository .Values.image.tag }}
{{- else }}
{{- .Values.image.repository }}
{{- end }}
{{- end }}

{{/*
The connection environment, in parity's order: each password (from its Secret) before the URL
that uses it, because Kubernetes expands $(VAR) only from variables defined earlier.
*/}}
{{- define "myapp.env" -}}
- name: POSTGRES_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.postgres.secret }}
      key: {{ .Values.postgres.secretKey }}
- name: DATABASE_URL
  value: {{ printf "postgresql://%s:$(POSTGRES_PASSWORD)@%s:%d/%s" .Values.postgres.user .Values.postgres.host (int .Values.postgres.port) .Values.postgres.database | quote }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.redis.secret }}
      key: {{ .Values.redis.secretKey }}
- name: REDIS_URL
  value: {{ printf "redis://default:$(REDIS_PASSWORD)@%s:%d/%d" .Values.redis.host (int .Values.redis.port) (int .Values.redis.db) | quote }}
- name: RABBITMQ_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.rabbitmq.secret }}
      key: {{ .Values.rabbitmq.secretKey }}
- name: AMQP_URL
  value: {{ printf "amqp://%s:$(RABBITMQ_PASSWORD)@%s:%d/%s" .Values.rabbitmq.user .Values.rabbitmq.host (int .Values.rabbitmq.port) (urlquery .Values.rabbitmq.vhost) | quote }}
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
{{- range $name, $value := .Values.env }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end }}

{{/* The image's `node` user, by number: runAsNonRoot cannot verify a user name. */}}
{{- define "myapp.securityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end }}

{{/*
An initContainer that holds a pod until PostgreSQL accepts the app's credentials and the
migrations are in: the migrate Job's history table holds a row.
*/}}
{{- define "myapp.waitForSchema" -}}
- name: wait-for-schema
  image: {{ .Values.postgres.waitImage | quote }}
  imagePullPolicy: IfNotPresent
  command:
    - sh
    - -c
    - >-
      until [ "$(psql -h {{ .Values.postgres.host }} -p {{ .Values.postgres.port }}
      -U {{ .Values.postgres.user }} -d {{ .Values.postgres.database }}
      -XtAc 'select 1 from {{ .Values.postgres.schemaTable }} limit 1' 2>/dev/null)" = 1 ];
      do echo "waiting for the schema in {{ .Values.postgres.host }}"; sleep 2; done
  env:
    - name: PGPASSWORD
      valueFrom:
        secretKeyRef:
          name: {{ .Values.postgres.secret }}
          key: {{ .Values.postgres.secretKey }}
  securityContext:
    {{- include "myapp.securityContext" . | nindent 4 }}
  resources:
    requests:
      cpu: 10m
      memory: 32Mi
    limits:
      memory: 128Mi
{{- end }}
