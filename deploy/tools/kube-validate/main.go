// Command kube-validate checks rendered Kubernetes manifests without a cluster and without
// downloading anything: it reads multi-document YAML on stdin (`helm template … | kube-validate`)
// and decodes every object strictly into the API types of k8s.io/api, as registered in
// client-go's scheme, so an unknown or misspelt field, a duplicate key, a value of the wrong type
// or an unknown kind fails as the API server would refuse it. It then checks what decoding alone
// cannot: names and labels, and that the objects find one another (a Service's selector selects
// pods and its named target ports exist on them, an autoscaler's target exists and requests CPU,
// an Ingress names a Service port, a probe names a container port, a mount names a volume or a
// StatefulSet's claim template, a ConfigMap volume names a ConfigMap and its keys, a StatefulSet's
// serviceName is a headless Service that selects its pods, a Job's pods do not restart Always).
//
// Custom resources have no types here: the ones it knows (ServiceMonitor) are decoded strictly
// into a minimal struct of the fields a chart uses; any other kind is refused.
//
// With -json it prints the documents, as rendered, as one JSON array on stdout. Problems go to
// stderr, one a line; the exit status is 1 when there is any.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

var sourceComment = regexp.MustCompile(`(?m)^# Source: (.+)$`)

// object is one decoded document and where it came from.
type object struct {
	source string
	gvk    schema.GroupVersionKind
	meta   metav1.ObjectMeta
	typed  runtime.Object
	custom *serviceMonitor
}

func (o *object) String() string {
	name := o.gvk.Kind + " " + o.meta.Name
	if o.source != "" {
		return o.source + ": " + name
	}
	return name
}

// problems collects every finding, so one run reports them all.
type problems struct{ lines []string }

func (p *problems) add(where fmt.Stringer, format string, args ...any) {
	p.lines = append(p.lines, where.String()+": "+fmt.Sprintf(format, args...))
}

func (p *problems) addFieldErrors(where fmt.Stringer, errs field.ErrorList) {
	for _, err := range errs {
		p.add(where, "%s", err.Error())
	}
}

type document struct {
	index  int
	source string
}

func (d document) String() string {
	if d.source != "" {
		return d.source
	}
	return fmt.Sprintf("document %d", d.index)
}

func main() {
	printJSON := flag.Bool("json", false, "print the documents as one JSON array on stdout")
	flag.Parse()

	var found problems
	objects, documents := decodeAll(os.Stdin, &found)
	checkReferences(objects, &found)

	for _, line := range found.lines {
		fmt.Fprintln(os.Stderr, line)
	}
	if len(found.lines) > 0 {
		fmt.Fprintf(os.Stderr, "kube-validate: %d problem(s)\n", len(found.lines))
		os.Exit(1)
	}
	if len(objects) == 0 {
		fmt.Fprintln(os.Stderr, "kube-validate: no object on stdin")
		os.Exit(1)
	}
	if *printJSON {
		fmt.Println("[" + strings.Join(documents, ",") + "]")
	}
	fmt.Fprintf(os.Stderr, "kube-validate: %d object(s) valid\n", len(objects))
}

// decodeAll reads every document and decodes it strictly; it returns the objects and their JSON.
func decodeAll(in io.Reader, found *problems) ([]*object, []string) {
	decoder := kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme.Scheme, scheme.Scheme, kjson.SerializerOptions{Strict: true})
	reader := utilyaml.NewYAMLReader(bufio.NewReader(in))
	var objects []*object
	var documents []string
	for index := 1; ; index++ {
		raw, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		doc := document{index: index}
		if match := sourceComment.FindSubmatch(raw); match != nil {
			doc.source = string(match[1])
		}
		if err != nil {
			found.add(doc, "cannot read YAML: %v", err)
			break
		}
		// YAMLToJSONStrict refuses duplicate keys, which plain YAML parsing would let the last one win
		data, err := yaml.YAMLToJSONStrict(raw)
		if err != nil {
			found.add(doc, "invalid YAML: %v", err)
			continue
		}
		if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
			continue
		}
		obj := decodeOne(data, doc, decoder, found)
		if obj != nil {
			objects = append(objects, obj)
			documents = append(documents, string(data))
		}
	}
	return objects, documents
}

func decodeOne(data []byte, doc document, decoder runtime.Decoder, found *problems) *object {
	// read leniently, only to name the object in messages; decoding below is the strict part
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(data, &head); err != nil && head.Kind == "" {
		found.add(doc, "not a Kubernetes object: %v", err)
		return nil
	}
	if head.APIVersion == "" || head.Kind == "" {
		found.add(doc, "apiVersion and kind are required (apiVersion %q, kind %q)", head.APIVersion, head.Kind)
		return nil
	}
	gvk := schema.FromAPIVersionAndKind(head.APIVersion, head.Kind)
	obj := &object{source: doc.source, gvk: gvk, meta: metav1.ObjectMeta{Name: head.Metadata.Name}}

	switch {
	case scheme.Scheme.Recognizes(gvk):
		typed, _, err := decoder.Decode(data, nil, nil)
		if err != nil {
			found.add(obj, "%v", err)
			return nil
		}
		accessor, ok := typed.(metav1.Object)
		if !ok {
			found.add(obj, "is not an object with metadata")
			return nil
		}
		obj.typed = typed
		obj.meta = metav1.ObjectMeta{Name: accessor.GetName(), Namespace: accessor.GetNamespace(), Labels: accessor.GetLabels(), Annotations: accessor.GetAnnotations()}
	case gvk == serviceMonitorKind:
		monitor := &serviceMonitor{}
		strict, err := sigsjson.UnmarshalStrict(data, monitor)
		if err == nil && len(strict) > 0 {
			err = runtime.NewStrictDecodingError(strict)
		}
		if err != nil {
			found.add(obj, "%v", err)
			return nil
		}
		obj.custom = monitor
		obj.meta = monitor.ObjectMeta
	default:
		found.add(obj, "unknown kind %q of apiVersion %q: neither a Kubernetes API type nor a custom resource kube-validate knows (%s)", gvk.Kind, head.APIVersion, serviceMonitorKind.Kind)
		return nil
	}
	checkMeta(obj, found)
	checkObject(obj, found)
	return obj
}

func checkMeta(obj *object, found *problems) {
	path := field.NewPath("metadata")
	if obj.meta.Name == "" {
		found.add(obj, "metadata.name is required")
	}
	nameRule := apivalidation.NameIsDNSSubdomain
	if obj.gvk.Kind == "Service" {
		nameRule = apivalidation.NameIsDNS1035Label
	}
	for _, msg := range nameRule(obj.meta.Name, false) {
		found.add(obj, "metadata.name %q: %s", obj.meta.Name, msg)
	}
	if obj.meta.Namespace != "" {
		for _, msg := range apivalidation.ValidateNamespaceName(obj.meta.Namespace, false) {
			found.add(obj, "metadata.namespace %q: %s", obj.meta.Namespace, msg)
		}
	}
	found.addFieldErrors(obj, metavalidation.ValidateLabels(obj.meta.Labels, path.Child("labels")))
	found.addFieldErrors(obj, apivalidation.ValidateAnnotations(obj.meta.Annotations, path.Child("annotations")))
}

// checkObject checks one object on its own; checkReferences checks them against each other.
func checkObject(obj *object, found *problems) {
	if template, selector := podTemplate(obj); template != nil {
		spec := field.NewPath("spec")
		if selector != nil {
			matches, err := metav1.LabelSelectorAsSelector(selector)
			if err != nil {
				found.add(obj, "spec.selector: %v", err)
			} else if !matches.Matches(labels.Set(template.Labels)) {
				found.add(obj, "spec.selector %s does not select the pod template's labels %v", matches, template.Labels)
			}
		}
		found.addFieldErrors(obj, metavalidation.ValidateLabels(template.Labels, spec.Child("template", "metadata", "labels")))
		var claims []string
		if set, ok := obj.typed.(*appsv1.StatefulSet); ok {
			for _, claim := range set.Spec.VolumeClaimTemplates {
				claims = append(claims, claim.Name)
			}
		}
		checkPodSpec(obj, &template.Spec, claims, found)
	}
	switch typed := obj.typed.(type) {
	case *batchv1.Job:
		checkJobRestartPolicy(obj, typed.Spec.Template.Spec.RestartPolicy, found)
	case *batchv1.CronJob:
		checkJobRestartPolicy(obj, typed.Spec.JobTemplate.Spec.Template.Spec.RestartPolicy, found)
	case *corev1.Service:
		for i, port := range typed.Spec.Ports {
			if len(typed.Spec.Ports) > 1 && port.Name == "" {
				found.add(obj, "spec.ports[%d]: a Service with several ports must name each", i)
			}
			if port.Name != "" {
				for _, msg := range validation.IsValidPortName(port.Name) {
					found.add(obj, "spec.ports[%d].name %q: %s", i, port.Name, msg)
				}
			}
		}
	case *autoscalingv2.HorizontalPodAutoscaler:
		if typed.Spec.MinReplicas != nil && *typed.Spec.MinReplicas > typed.Spec.MaxReplicas {
			found.add(obj, "spec.minReplicas %d is above spec.maxReplicas %d", *typed.Spec.MinReplicas, typed.Spec.MaxReplicas)
		}
		if len(typed.Spec.Metrics) == 0 {
			found.add(obj, "spec.metrics is empty")
		}
	case *policyv1.PodDisruptionBudget:
		if (typed.Spec.MinAvailable == nil) == (typed.Spec.MaxUnavailable == nil) {
			found.add(obj, "spec: exactly one of minAvailable and maxUnavailable is required")
		}
	}
	if obj.custom != nil {
		checkServiceMonitor(obj, found)
	}
}

// checkJobRestartPolicy: the API server refuses a Job's pods that restart Always (the default).
func checkJobRestartPolicy(obj *object, policy corev1.RestartPolicy, found *problems) {
	if policy != corev1.RestartPolicyNever && policy != corev1.RestartPolicyOnFailure {
		found.add(obj, "the pod template's restartPolicy %q: a Job's pods need Never or OnFailure", policy)
	}
}

// checkPodSpec checks a pod template; claims are a StatefulSet's volumeClaimTemplates, which its
// containers mount like the pod's own volumes.
func checkPodSpec(obj *object, pod *corev1.PodSpec, claims []string, found *problems) {
	volumes := map[string]bool{}
	for _, volume := range pod.Volumes {
		if volumes[volume.Name] {
			found.add(obj, "volume %q is declared twice", volume.Name)
		}
		volumes[volume.Name] = true
	}
	for _, claim := range claims {
		if volumes[claim] {
			found.add(obj, "volume %q is both a pod volume and a volumeClaimTemplate", claim)
		}
		volumes[claim] = true
	}
	if len(pod.Containers) == 0 {
		found.add(obj, "the pod has no container")
	}
	containers := append(append([]corev1.Container{}, pod.InitContainers...), pod.Containers...)
	for _, container := range containers {
		where := fmt.Sprintf("container %q", container.Name)
		for _, msg := range validation.IsDNS1123Label(container.Name) {
			found.add(obj, "%s: name: %s", where, msg)
		}
		if container.Image == "" {
			found.add(obj, "%s: image is required", where)
		}
		ports := map[string]bool{}
		for _, port := range container.Ports {
			if port.Name == "" {
				continue
			}
			for _, msg := range validation.IsValidPortName(port.Name) {
				found.add(obj, "%s: port name %q: %s", where, port.Name, msg)
			}
			if ports[port.Name] {
				found.add(obj, "%s: port name %q is used twice", where, port.Name)
			}
			ports[port.Name] = true
		}
		for name, probe := range map[string]*corev1.Probe{"livenessProbe": container.LivenessProbe, "readinessProbe": container.ReadinessProbe, "startupProbe": container.StartupProbe} {
			if probe == nil {
				continue
			}
			var port *intstr.IntOrString
			switch {
			case probe.HTTPGet != nil:
				port = &probe.HTTPGet.Port
			case probe.TCPSocket != nil:
				port = &probe.TCPSocket.Port
			}
			if port != nil && port.Type == intstr.String && !ports[port.StrVal] {
				found.add(obj, "%s: %s names port %q, which the container does not declare", where, name, port.StrVal)
			}
		}
		env := map[string]bool{}
		for _, variable := range container.Env {
			for _, msg := range validation.IsEnvVarName(variable.Name) {
				found.add(obj, "%s: env %q: %s", where, variable.Name, msg)
			}
			if env[variable.Name] {
				found.add(obj, "%s: env %q is set twice (the last one wins)", where, variable.Name)
			}
			env[variable.Name] = true
			if variable.ValueFrom != nil && variable.Value != "" {
				found.add(obj, "%s: env %q has both value and valueFrom", where, variable.Name)
			}
			if from := variable.ValueFrom; from != nil {
				sources := 0
				for _, set := range []bool{from.FieldRef != nil, from.ResourceFieldRef != nil, from.ConfigMapKeyRef != nil, from.SecretKeyRef != nil, from.FileKeyRef != nil} {
					if set {
						sources++
					}
				}
				if sources != 1 {
					found.add(obj, "%s: env %q: valueFrom needs exactly one source, has %d", where, variable.Name, sources)
				}
				if ref := from.SecretKeyRef; ref != nil && (ref.Name == "" || ref.Key == "") {
					found.add(obj, "%s: env %q: secretKeyRef needs a name and a key", where, variable.Name)
				}
			}
		}
		for _, mount := range container.VolumeMounts {
			if !volumes[mount.Name] {
				found.add(obj, "%s: volumeMount %q names no volume of the pod (nor a volumeClaimTemplate)", where, mount.Name)
			}
		}
		for name, request := range container.Resources.Requests {
			if limit, ok := container.Resources.Limits[name]; ok && request.Cmp(limit) > 0 {
				found.add(obj, "%s: the %s request %s is above its limit %s", where, name, request.String(), limit.String())
			}
		}
	}
}

// podTemplate is the pod template of a workload, and the selector that must select it.
func podTemplate(obj *object) (*corev1.PodTemplateSpec, *metav1.LabelSelector) {
	switch typed := obj.typed.(type) {
	case *appsv1.Deployment:
		return &typed.Spec.Template, typed.Spec.Selector
	case *appsv1.StatefulSet:
		return &typed.Spec.Template, typed.Spec.Selector
	case *appsv1.DaemonSet:
		return &typed.Spec.Template, typed.Spec.Selector
	case *appsv1.ReplicaSet:
		return &typed.Spec.Template, typed.Spec.Selector
	case *batchv1.Job:
		return &typed.Spec.Template, nil
	case *batchv1.CronJob:
		return &typed.Spec.JobTemplate.Spec.Template, nil
	}
	return nil, nil
}

// checkReferences checks that the objects find one another.
func checkReferences(objects []*object, found *problems) {
	seen := map[string]*object{}
	var pods []*corev1.PodTemplateSpec
	services := map[string]*corev1.Service{}
	configMaps := map[string]*corev1.ConfigMap{}
	accounts := map[string]bool{}
	workloads := map[string]*object{}
	for _, obj := range objects {
		key := obj.gvk.GroupKind().String() + "/" + obj.meta.Namespace + "/" + obj.meta.Name
		if first, ok := seen[key]; ok {
			found.add(obj, "the same object is also rendered by %s", first.source)
		}
		seen[key] = obj
		if template, _ := podTemplate(obj); template != nil {
			pods = append(pods, template)
			workloads[obj.gvk.Kind+"/"+obj.meta.Name] = obj
		}
		switch typed := obj.typed.(type) {
		case *corev1.Service:
			services[typed.Name] = typed
		case *corev1.ServiceAccount:
			accounts[typed.Name] = true
		case *corev1.ConfigMap:
			configMaps[typed.Name] = typed
		}
	}
	selected := func(selector labels.Selector) []*corev1.PodTemplateSpec {
		var matches []*corev1.PodTemplateSpec
		for _, pod := range pods {
			if selector.Matches(labels.Set(pod.Labels)) {
				matches = append(matches, pod)
			}
		}
		return matches
	}
	selectorOf := func(obj *object, what string, selector *metav1.LabelSelector) labels.Selector {
		converted, err := metav1.LabelSelectorAsSelector(selector)
		if err != nil {
			found.add(obj, "%s: %v", what, err)
			return nil
		}
		return converted
	}

	for _, obj := range objects {
		if template, _ := podTemplate(obj); template != nil {
			if name := template.Spec.ServiceAccountName; name != "" && name != "default" && !accounts[name] {
				found.add(obj, "serviceAccountName %q names no ServiceAccount of these manifests", name)
			}
			checkConfigMapVolumes(obj, template.Spec.Volumes, configMaps, found)
		}
		switch typed := obj.typed.(type) {
		case *appsv1.StatefulSet:
			// the Service that gives the set's pods their stable DNS names: headless, selecting them
			service, ok := services[typed.Spec.ServiceName]
			switch {
			case typed.Spec.ServiceName == "":
				found.add(obj, "spec.serviceName is required")
			case !ok:
				found.add(obj, "spec.serviceName %q names no Service of these manifests", typed.Spec.ServiceName)
			case service.Spec.ClusterIP != corev1.ClusterIPNone:
				found.add(obj, "spec.serviceName %q is not a headless Service (clusterIP: None)", typed.Spec.ServiceName)
			case len(service.Spec.Selector) == 0 || !labels.SelectorFromSet(service.Spec.Selector).Matches(labels.Set(typed.Spec.Template.Labels)):
				found.add(obj, "spec.serviceName %q does not select the set's pods", typed.Spec.ServiceName)
			}
		case *corev1.Service:
			if len(typed.Spec.Selector) == 0 {
				continue
			}
			matches := selected(labels.SelectorFromSet(typed.Spec.Selector))
			if len(matches) == 0 {
				found.add(obj, "spec.selector %v selects no pod template of these manifests", typed.Spec.Selector)
			}
			for _, port := range typed.Spec.Ports {
				if port.TargetPort.Type == intstr.String && len(matches) > 0 && !anyDeclares(matches, port.TargetPort.StrVal) {
					found.add(obj, "port %q targets port %q, which no selected container declares", port.Name, port.TargetPort.StrVal)
				}
			}
		case *policyv1.PodDisruptionBudget:
			if selector := selectorOf(obj, "spec.selector", typed.Spec.Selector); selector != nil && (selector.Empty() || len(selected(selector)) == 0) {
				found.add(obj, "spec.selector %s selects no pod template of these manifests", selector)
			}
		case *autoscalingv2.HorizontalPodAutoscaler:
			ref := typed.Spec.ScaleTargetRef
			target, ok := workloads[ref.Kind+"/"+ref.Name]
			if !ok {
				found.add(obj, "spec.scaleTargetRef %s %q is not in these manifests", ref.Kind, ref.Name)
				continue
			}
			template, _ := podTemplate(target)
			for _, metric := range typed.Spec.Metrics {
				if metric.Resource == nil || metric.Resource.Target.Type != autoscalingv2.UtilizationMetricType {
					continue
				}
				for _, container := range template.Spec.Containers {
					if _, ok := container.Resources.Requests[metric.Resource.Name]; !ok {
						found.add(obj, "scales on %s utilization, but container %q of %s requests no %s", metric.Resource.Name, container.Name, ref.Name, metric.Resource.Name)
					}
				}
			}
		case *networkingv1.NetworkPolicy:
			selector := selectorOf(obj, "spec.podSelector", &typed.Spec.PodSelector)
			if selector == nil {
				continue
			}
			matches := selected(selector)
			if !selector.Empty() && len(matches) == 0 {
				found.add(obj, "spec.podSelector %s selects no pod template of these manifests", selector)
			}
			for i, rule := range typed.Spec.Ingress {
				for _, port := range rule.Ports {
					if port.Port != nil && port.Port.Type == intstr.String && len(matches) > 0 && !anyDeclares(matches, port.Port.StrVal) {
						found.add(obj, "spec.ingress[%d] admits port %q, which no selected container declares", i, port.Port.StrVal)
					}
				}
			}
		case *networkingv1.Ingress:
			var backends []*networkingv1.IngressServiceBackend
			if typed.Spec.DefaultBackend != nil {
				backends = append(backends, typed.Spec.DefaultBackend.Service)
			}
			for _, rule := range typed.Spec.Rules {
				if rule.HTTP == nil {
					continue
				}
				for _, path := range rule.HTTP.Paths {
					backends = append(backends, path.Backend.Service)
				}
			}
			for _, backend := range backends {
				if backend == nil {
					continue
				}
				service, ok := services[backend.Name]
				if !ok {
					found.add(obj, "backend Service %q is not in these manifests", backend.Name)
				} else if !servicePort(service, backend.Port.Name, backend.Port.Number) {
					found.add(obj, "backend Service %q has no port %s", backend.Name, describePort(backend.Port))
				}
			}
		}
		if monitor := obj.custom; monitor != nil {
			selector := selectorOf(obj, "spec.selector", &monitor.Spec.Selector)
			if selector == nil {
				continue
			}
			var matches []*corev1.Service
			for _, service := range services {
				if selector.Matches(labels.Set(service.Labels)) {
					matches = append(matches, service)
				}
			}
			if len(matches) == 0 {
				found.add(obj, "spec.selector %s selects no Service of these manifests", selector)
			}
			for _, endpoint := range monitor.Spec.Endpoints {
				for _, service := range matches {
					if endpoint.Port != "" && !servicePort(service, endpoint.Port, 0) {
						found.add(obj, "endpoint port %q is not a port of Service %q", endpoint.Port, service.Name)
					}
				}
			}
		}
	}
}

// checkConfigMapVolumes: a ConfigMap volume that is not optional names a ConfigMap of these
// manifests, and the keys its items pick are in it (the pod would not start otherwise).
func checkConfigMapVolumes(obj *object, volumes []corev1.Volume, configMaps map[string]*corev1.ConfigMap, found *problems) {
	for _, volume := range volumes {
		source := volume.ConfigMap
		if source == nil || (source.Optional != nil && *source.Optional) {
			continue
		}
		configMap, ok := configMaps[source.Name]
		if !ok {
			found.add(obj, "volume %q names ConfigMap %q, which is not in these manifests", volume.Name, source.Name)
			continue
		}
		for _, item := range source.Items {
			_, text := configMap.Data[item.Key]
			_, binary := configMap.BinaryData[item.Key]
			if !text && !binary {
				found.add(obj, "volume %q picks key %q, which ConfigMap %q lacks", volume.Name, item.Key, source.Name)
			}
		}
	}
}

func anyDeclares(pods []*corev1.PodTemplateSpec, portName string) bool {
	for _, pod := range pods {
		for _, container := range pod.Spec.Containers {
			for _, port := range container.Ports {
				if port.Name == portName {
					return true
				}
			}
		}
	}
	return false
}

func servicePort(service *corev1.Service, name string, number int32) bool {
	for _, port := range service.Spec.Ports {
		if (name != "" && port.Name == name) || (name == "" && port.Port == number) {
			return true
		}
	}
	return false
}

func describePort(port networkingv1.ServiceBackendPort) string {
	if port.Name != "" {
		return fmt.Sprintf("%q", port.Name)
	}
	return fmt.Sprint(port.Number)
}

// serviceMonitorKind is the Prometheus Operator's resource (monitoring.coreos.com/v1).
var serviceMonitorKind = schema.GroupVersionKind{Group: "monitoring.coreos.com", Version: "v1", Kind: "ServiceMonitor"}

// serviceMonitor holds the fields of a ServiceMonitor this platform's chart may set; strict
// decoding refuses any other, so a field outside this list is a typo or needs adding here.
type serviceMonitor struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		JobLabel          string               `json:"jobLabel,omitempty"`
		Selector          metav1.LabelSelector `json:"selector"`
		NamespaceSelector *struct {
			Any        bool     `json:"any,omitempty"`
			MatchNames []string `json:"matchNames,omitempty"`
		} `json:"namespaceSelector,omitempty"`
		Endpoints []struct {
			Port          string              `json:"port,omitempty"`
			TargetPort    *intstr.IntOrString `json:"targetPort,omitempty"`
			Path          string              `json:"path,omitempty"`
			Scheme        string              `json:"scheme,omitempty"`
			Interval      string              `json:"interval,omitempty"`
			ScrapeTimeout string              `json:"scrapeTimeout,omitempty"`
			HonorLabels   bool                `json:"honorLabels,omitempty"`
		} `json:"endpoints"`
	} `json:"spec"`
}

// prometheusDuration is the operator's pattern for intervals and timeouts.
var prometheusDuration = regexp.MustCompile(`^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$`)

func checkServiceMonitor(obj *object, found *problems) {
	spec := obj.custom.Spec
	if len(spec.Endpoints) == 0 {
		found.add(obj, "spec.endpoints is empty")
	}
	found.addFieldErrors(obj, metavalidation.ValidateLabelSelector(&spec.Selector, metavalidation.LabelSelectorValidationOptions{}, field.NewPath("spec", "selector")))
	for i, endpoint := range spec.Endpoints {
		if endpoint.Port == "" && endpoint.TargetPort == nil {
			found.add(obj, "spec.endpoints[%d]: port or targetPort is required", i)
		}
		if endpoint.Scheme != "" && endpoint.Scheme != "http" && endpoint.Scheme != "https" {
			found.add(obj, "spec.endpoints[%d].scheme %q: http or https", i, endpoint.Scheme)
		}
		if endpoint.Path != "" && !strings.HasPrefix(endpoint.Path, "/") {
			found.add(obj, "spec.endpoints[%d].path %q must start with /", i, endpoint.Path)
		}
		for name, value := range map[string]string{"interval": endpoint.Interval, "scrapeTimeout": endpoint.ScrapeTimeout} {
			if value != "" && !prometheusDuration.MatchString(value) {
				found.add(obj, "spec.endpoints[%d].%s %q is not a Prometheus duration", i, name, value)
			}
		}
	}
}
