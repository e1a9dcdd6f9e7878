{{/* Named templates shared by every template of this chart: other templates rely on these names. */}}

{{/* The chart name, or nameOverride. */}}
{{- define "llm-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The release-based name of every resource, 63 characters at most (DNS label). A release named like the chart
("llm-operator") gives "llm-operator", which is also the operator's built-in default for the webhook names.
*/}}
{{- define "llm-operator.fullname" -}}
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

{{/* chart-version for the helm.sh/chart label. */}}
{{- define "llm-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "llm-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "llm-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "llm-operator.labels" -}}
helm.sh/chart: {{ include "llm-operator.chart" . }}
{{ include "llm-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: llm-operator
{{- end }}

{{- define "llm-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "llm-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name must name an existing ServiceAccount when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Service names are DNS labels: the base is cut to 55 characters so that the suffix always fits. */}}
{{- define "llm-operator.webhookServiceName" -}}
{{- printf "%s-webhook" (include "llm-operator.fullname" . | trunc 55 | trimSuffix "-") }}
{{- end }}

{{- define "llm-operator.metricsServiceName" -}}
{{- printf "%s-metrics" (include "llm-operator.fullname" . | trunc 55 | trimSuffix "-") }}
{{- end }}

{{/* kubernetes.io/tls Secret of the webhook certificate: cert-manager's, or the one the operator generates. */}}
{{- define "llm-operator.webhookCertSecretName" -}}
{{- printf "%s-webhook-tls" (include "llm-operator.fullname" .) }}
{{- end }}

{{/* The cert-manager Certificate, as namespace/name for the cert-manager.io/inject-ca-from annotation. */}}
{{- define "llm-operator.webhookCertificateName" -}}
{{- printf "%s-webhook" (include "llm-operator.fullname" .) }}
{{- end }}

{{- define "llm-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
