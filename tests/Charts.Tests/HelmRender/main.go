// helmrender renders a chart as `helm template` does, for machines without helm: Go's text/template plus sprig,
// the libraries Helm's engine is built on, with Helm's own functions and data layout. It mirrors helm v3's
// pkg/engine/engine.go (renderWithReferences, cleanupExecError) and funcs.go (funcMap); see README.md.
//
// Usage: helmrender [-name N] [-namespace NS] [-values overrides.yaml] [-show-only templates/x.yaml] CHART_DIR
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"gopkg.in/yaml.v2"
)

// engine.go: fail and required wrap their message so that cleanupExecError can cut it out of Go's error chain.
const warnStart, warnEnd = "HELM_ERR_START", "HELM_ERR_END"

var warnRegex = regexp.MustCompile(warnStart + `(.*)` + warnEnd)

// releaseutil.SplitManifests: a template's output is split into documents at "---" lines.
var separator = regexp.MustCompile(`(?m)^---\s*$`)

func warnWrap(msg string) error { return errors.New(warnStart + msg + warnEnd) }

// Helm reads values.yaml with sigs.k8s.io/yaml: YAML to JSON, then encoding/json. So maps are map[string]interface{}
// and every number is a float64 ({{ .Values.port }} of 8080 prints "8080", 1000000 prints "1e+06", as in helm).
func readYAML(file string) (map[string]interface{}, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var raw interface{}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	out := map[string]interface{}{}
	if raw == nil {
		return out, nil
	}
	j, err := json.Marshal(jsonable(raw))
	if err == nil {
		err = json.Unmarshal(j, &out)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: not a map of values: %v", file, err)
	}
	return out, nil
}

// jsonable turns yaml.v2's map[interface{}]interface{} into map[string]interface{} (what sigs.k8s.io/yaml does).
func jsonable(v interface{}) interface{} {
	switch t := v.(type) {
	case map[interface{}]interface{}:
		m := map[string]interface{}{}
		for k, x := range t {
			m[fmt.Sprint(k)] = jsonable(x)
		}
		return m
	case []interface{}:
		for i, x := range t {
			t[i] = jsonable(x)
		}
	}
	return v
}

// coalesce mirrors chartutil.CoalesceValues for one chart: overrides win, maps merge deeply, null deletes a default.
func coalesce(dst, src map[string]interface{}) map[string]interface{} {
	for k, v := range src {
		sm, isMap := v.(map[string]interface{})
		dm, wasMap := dst[k].(map[string]interface{})
		switch {
		case v == nil:
			delete(dst, k)
		case isMap && wasMap:
			dst[k] = coalesce(dm, sm)
		default:
			dst[k] = v
		}
	}
	return dst
}

// Chart mirrors chart.Metadata: templates read it with Go's field names (.Chart.AppVersion).
type Chart struct {
	APIVersion  string   `yaml:"apiVersion"`
	Name        string   `yaml:"name"`
	Version     string   `yaml:"version"`
	AppVersion  string   `yaml:"appVersion"`
	KubeVersion string   `yaml:"kubeVersion"`
	Description string   `yaml:"description"`
	Type        string   `yaml:"type"`
	Keywords    []string `yaml:"keywords"`
}

// APIVersions mirrors chartutil.VersionSet: Has is false unless the version was listed (helm template's default).
type APIVersions []string

func (v APIVersions) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

// Files mirrors engine.files: Get of a missing file is "", not an error.
type Files struct{ dir string }

func (f Files) GetBytes(name string) []byte {
	clean := path.Clean("/" + name)[1:] // never outside the chart directory
	data, _ := os.ReadFile(filepath.Join(f.dir, filepath.FromSlash(clean)))
	return data
}
func (f Files) Get(name string) string { return string(f.GetBytes(name)) }

// funcMap mirrors funcs.go: sprig's functions minus env/expandenv, plus Helm's YAML/JSON ones and lookup.
func funcMap(t *template.Template) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	f["toYaml"] = func(v interface{}) string { // sigs.k8s.io/yaml.Marshal: through JSON, keys sorted, "" on error
		j, err := json.Marshal(v)
		var o interface{}
		if err == nil {
			err = yaml.Unmarshal(j, &o)
		}
		y, err2 := yaml.Marshal(o)
		if err != nil || err2 != nil {
			return ""
		}
		return strings.TrimSuffix(string(y), "\n")
	}
	f["fromYaml"] = func(s string) map[string]interface{} {
		var o interface{}
		m := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(s), &o); err != nil {
			m["Error"] = err.Error()
		} else if x, ok := jsonable(o).(map[string]interface{}); ok {
			m = x
		}
		return m
	}
	f["toJson"] = func(v interface{}) string { j, _ := json.Marshal(v); return string(j) }
	f["fromJson"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	f["lookup"] = func(string, string, string, string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil
	}
	// engine.go initFunMap: include and tpl close over the template set; required and fail wrap their message.
	f["include"] = func(name string, data interface{}) (string, error) {
		var buf strings.Builder
		err := t.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	f["tpl"] = func(text string, data interface{}) (string, error) {
		c, err := t.Clone()
		if err == nil {
			c, err = c.New("tpl").Parse(text)
		}
		var buf strings.Builder
		if err == nil {
			err = c.Execute(&buf, data)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), err
	}
	f["required"] = func(msg string, v interface{}) (interface{}, error) {
		if s, ok := v.(string); v == nil || ok && s == "" {
			return v, warnWrap(msg)
		}
		return v, nil
	}
	f["fail"] = func(msg string) (string, error) { return "", warnWrap(msg) }
	return f
}

// execError mirrors cleanupExecError: "execution error at (file:line:col): message".
func execError(name string, err error) error {
	tokens := strings.SplitN(err.Error(), ": ", 3)
	if len(tokens) == 3 {
		if parts := warnRegex.FindStringSubmatch(tokens[2]); len(parts) >= 2 {
			return fmt.Errorf("execution error at (%s): %s", tokens[1], parts[1])
		}
	}
	return fmt.Errorf("execution error in (%s): %v", name, err)
}

// parseError mirrors cleanupParseError: "parse error at (file:line): message".
func parseError(name string, err error) error {
	tokens := strings.Split(err.Error(), ": ")
	if len(tokens) == 1 {
		return fmt.Errorf("parse error in (%s): %v", name, err)
	}
	return fmt.Errorf("parse error at (%s): %s", tokens[1], tokens[len(tokens)-1])
}

func render(dir, name, namespace, overrides, showOnly string) (string, error) {
	var chart Chart
	data, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err == nil {
		err = yaml.Unmarshal(data, &chart)
	}
	if err != nil {
		return "", fmt.Errorf("Chart.yaml: %v", err)
	}
	values, err := readYAML(filepath.Join(dir, "values.yaml"))
	if err != nil {
		return "", err
	}
	if overrides != "" {
		user, err := readYAML(overrides)
		if err != nil {
			return "", err
		}
		values = coalesce(values, user)
	}
	top := map[string]interface{}{
		"Values":  values,
		"Chart":   chart,
		"Files":   Files{dir},
		"Release": map[string]interface{}{"Name": name, "Namespace": namespace, "Service": "Helm", "IsInstall": true, "IsUpgrade": false, "Revision": 1},
		"Capabilities": map[string]interface{}{
			"KubeVersion": map[string]interface{}{"Version": "v1.32.0", "Major": "1", "Minor": "32", "GitVersion": "v1.32.0"},
			"APIVersions": APIVersions{"v1"},
		},
	}
	// One template set named like helm's ("chart/templates/x.yaml"), missing keys print as zero values.
	t := template.New("gotpl").Option("missingkey=zero")
	t.Funcs(funcMap(t))
	paths, _ := filepath.Glob(filepath.Join(dir, "templates", "*"))
	sort.Strings(paths)
	var names []string
	for _, p := range paths {
		text, err := os.ReadFile(p)
		if err != nil {
			return "", err
		}
		n := chart.Name + "/templates/" + filepath.Base(p)
		if _, err := t.New(n).Parse(string(text)); err != nil {
			return "", parseError(n, err)
		}
		names = append(names, n)
	}
	var out strings.Builder
	for _, n := range names {
		if strings.HasPrefix(path.Base(n), "_") {
			continue // partials are only included
		}
		top["Template"] = map[string]interface{}{"Name": n, "BasePath": chart.Name + "/templates"}
		var buf strings.Builder
		if err := t.ExecuteTemplate(&buf, n, top); err != nil {
			return "", execError(n, err)
		}
		// helm template prints NOTES.txt only with --notes, and each non-empty document under its source.
		if strings.HasSuffix(n, "NOTES.txt") || showOnly != "" && !strings.HasSuffix(n, "/"+showOnly) {
			continue
		}
		for _, doc := range separator.Split(strings.ReplaceAll(buf.String(), "<no value>", ""), -1) {
			if strings.TrimSpace(doc) != "" {
				fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", n, strings.Trim(doc, "\n"))
			}
		}
	}
	return out.String(), nil
}

func main() {
	name := flag.String("name", "release-name", "release name (.Release.Name)")
	namespace := flag.String("namespace", "default", "release namespace (.Release.Namespace)")
	overrides := flag.String("values", "", "YAML or JSON file of values merged over values.yaml")
	showOnly := flag.String("show-only", "", "print only this template, e.g. templates/rbac.yaml")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: helmrender [-name N] [-namespace NS] [-values FILE] [-show-only templates/X] CHART_DIR")
		os.Exit(2)
	}
	out, err := render(flag.Arg(0), *name, *namespace, *overrides, *showOnly)
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
	fmt.Print(out)
}
