package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// The OpenAPI document (GET /api/v1/openapi.json) is checked three ways: it is a valid
// OpenAPI 3.1 document; it holds exactly the routes the router serves under /api/v1; and
// every JSON answer any test gets from the API matches its schema (testServer.call
// checks each one against the document, through kin-openapi's validator).

var openAPI struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

// apiDocument loads the document from a server once per test run.
func apiDocument(ts *testServer) (*openapi3.T, routers.Router, error) {
	openAPI.once.Do(func() {
		res, err := http.Get(ts.URL + "/api/v1/openapi.json")
		if err != nil {
			openAPI.err = err
			return
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		loader := openapi3.NewLoader()
		if openAPI.doc, openAPI.err = loader.LoadFromData(body); openAPI.err != nil {
			return
		}
		openAPI.router, openAPI.err = legacy.NewRouter(openAPI.doc)
	})
	return openAPI.doc, openAPI.router, openAPI.err
}

// checkAnswer validates one API answer against the document: its status must be
// documented for the route, and a JSON body must match the schema.
func (ts *testServer) checkAnswer(req *http.Request, status int, header http.Header, body []byte) {
	ts.t.Helper()
	if !strings.HasPrefix(req.URL.Path, "/api/v1/") || !strings.HasPrefix(header.Get("Content-Type"), "application/json") {
		return
	}
	_, router, err := apiDocument(ts)
	if err != nil {
		ts.t.Fatalf("OpenAPI document: %v", err)
	}
	u, _ := url.Parse(req.URL.String())
	u.Scheme, u.Host = "", ""
	r := req.Clone(context.Background())
	r.URL = u
	route, params, err := router.FindRoute(r)
	if err != nil {
		if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
			return // no such route: the router's own answer
		}
		ts.t.Errorf("%s %s: not in the OpenAPI document: %v", req.Method, req.URL.Path, err)
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 status, Header: header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		ts.t.Errorf("%s %s answered %d, not as the OpenAPI document says: %v\n%.600s", req.Method, req.URL.Path, status, err, body)
	}
}

func TestOpenAPIDocument(t *testing.T) {
	ts := newTestServer(t)
	r := ts.call("GET", "/api/v1/openapi.json", "", nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("openapi.json: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	doc, _, err := apiDocument(ts)
	if err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" || !doc.IsOpenAPI31OrLater() {
		t.Errorf("version %q", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the document is not valid OpenAPI: %v", err)
	}
	for _, name := range []string{"session", "apiKey"} {
		if doc.Components.SecuritySchemes[name] == nil {
			t.Errorf("no security scheme %s", name)
		}
	}

	// Every route the router serves under /api/v1 is documented, and nothing else is.
	var routed, documented []string
	for _, rt := range ts.App.Handler.(interface{ Routes() []string }).Routes() {
		method, p, _ := strings.Cut(rt, " ")
		if strings.HasPrefix(p, "/api/v1/") && method != "HEAD" {
			parts := strings.Split(p, "/")
			for i, s := range parts {
				if strings.HasPrefix(s, ":") {
					parts[i] = "{" + s[1:] + "}"
				}
			}
			routed = append(routed, method+" "+strings.Join(parts, "/"))
		}
	}
	for p, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			documented = append(documented, method+" "+p)
			if op.Summary == "" || len(op.Tags) == 0 || op.OperationID == "" {
				t.Errorf("%s %s: no summary, tag or operationId", method, p)
			}
			if op.Responses.Status(200) == nil && op.Responses.Status(201) == nil && op.Responses.Status(202) == nil &&
				op.Responses.Status(204) == nil {
				t.Errorf("%s %s: no success answer documented", method, p)
			}
			if op.Responses.Status(422) == nil || op.Responses.Status(401) == nil {
				t.Errorf("%s %s: error answers not documented", method, p)
			}
		}
	}
	slices.Sort(routed)
	slices.Sort(documented)
	for _, r := range routed {
		if !slices.Contains(documented, r) {
			t.Errorf("routed but not documented: %s", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(routed, d) {
			t.Errorf("documented but not routed: %s", d)
		}
	}
	if len(routed) < 70 {
		t.Errorf("only %d routes found", len(routed))
	}

	// The check of answers catches a wrong one: an account list answered where one
	// account is documented.
	list := ts.call("GET", "/api/v1/accounts", ts.adminToken(), nil)
	req, _ := http.NewRequest("GET", ts.URL+"/api/v1/accounts/1", nil)
	shadow := &testServer{t: &recordingT{TB: t}, URL: ts.URL}
	shadow.checkAnswer(req, 200, list.Header, list.Body)
	if !shadow.t.(*recordingT).failed {
		t.Error("an answer of the wrong shape passed the check")
	}
}

// recordingT notes a failure instead of failing.
type recordingT struct {
	testing.TB
	failed bool
}

func (r *recordingT) Errorf(string, ...any) { r.failed = true }
func (r *recordingT) Helper()               {}
