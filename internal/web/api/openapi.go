package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/auth"
	"keyhold/internal/handover"
	"keyhold/internal/health"
	"keyhold/internal/outbox"
	"keyhold/internal/retention"
	"keyhold/internal/sheets"
	"keyhold/internal/staff"
	"keyhold/internal/webhooks"
)

// The OpenAPI 3.1 document is made from the route table (routes.go) and the Go types the
// handlers read and write, with kin-openapi's model: the schemas below follow
// encoding/json's rules (tags, omitempty, embedding, pointers as null), so that the
// document says what the API writes; the tests check every answer they get against it.

// OpenAPIVersion is the OpenAPI version the document follows.
const OpenAPIVersion = "3.1.0"

// enums are the values of the named string types the API uses.
var enums = map[reflect.Type][]string{
	reflect.TypeFor[accounts.Tier]():     enumOf(accounts.Tiers),
	reflect.TypeFor[accounts.TeamRole](): {"owner", "backup", "executive_sponsor", "support"},
	reflect.TypeFor[accounts.Kind]():     enumOf(accounts.Kinds),
	reflect.TypeFor[staff.Role]():        {"admin", "manager", "sales"},
	reflect.TypeFor[staff.Status]():      {"active", "leaving", "departed"},
	reflect.TypeFor[health.Level]():      {"healthy", "watch", "at_risk"},
	reflect.TypeFor[handover.Status]():   {"draft", "in_progress", "completed", "cancelled"},
	reflect.TypeFor[auth.Scope]():        enumOf(auth.Scopes),
	reflect.TypeFor[outbox.Kind]():       append(enumOf(outbox.Kinds), string(webhooks.Digest)),
}

var (
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

// schemaGen writes JSON Schemas for Go types. Named struct types of answers become
// components ("accounts.Account"); request bodies are inline and require nothing (the
// domain says what is missing, with field errors).
type schemaGen struct {
	components openapi3.Schemas
	building   map[string]bool
}

func componentName(t reflect.Type) string {
	pkg := t.PkgPath()
	pkg = pkg[strings.LastIndex(pkg, "/")+1:]
	name := t.Name()
	if pkg == "api" { // the API's own answer types: apiHealth → Health
		name = strings.TrimPrefix(name, "api")
		name = string(unicode.ToUpper(rune(name[0]))) + name[1:]
	}
	return pkg + "." + name
}

func nullable(ref *openapi3.SchemaRef) *openapi3.SchemaRef {
	if ref.Ref != "" || ref.Value.Type == nil {
		return openapi3.NewSchemaRef("", &openapi3.Schema{OneOf: openapi3.SchemaRefs{ref,
			openapi3.NewSchemaRef("", &openapi3.Schema{Type: &openapi3.Types{"null"}})}})
	}
	s := *ref.Value
	types := append(openapi3.Types{}, *s.Type...)
	if !slices.Contains(types, "null") {
		types = append(types, "null")
	}
	s.Type = &types
	if len(s.Enum) > 0 {
		s.Enum = append(slices.Clone(s.Enum), nil)
	}
	return openapi3.NewSchemaRef("", &s)
}

func typed(t string) *openapi3.Schema { return &openapi3.Schema{Type: &openapi3.Types{t}} }

// schema answers the schema of t; answer says whether t is written by the API (its
// fields are then required, as encoding/json always writes them) or read from a body.
func (g *schemaGen) schema(t reflect.Type, answer bool) *openapi3.SchemaRef {
	if t.Kind() == reflect.Pointer {
		return nullable(g.schema(t.Elem(), answer))
	}
	if strings.HasPrefix(t.Name(), "Field[") && strings.HasSuffix(t.PkgPath(), "internal/opt") {
		f, _ := t.FieldByName("Value") // a PATCH field: its value, or null to clear it
		return nullable(g.schema(f.Type, answer))
	}
	switch {
	case t == timeType:
		return openapi3.NewSchemaRef("", &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "date-time"})
	case t == rawType || t.Kind() == reflect.Interface:
		// Any JSON value, null included (said outright: validators read {} as "not null").
		return openapi3.NewSchemaRef("", &openapi3.Schema{Type: &openapi3.Types{"object", "array", "string", "number", "boolean", "null"}})
	}
	switch t.Kind() {
	case reflect.Bool:
		return openapi3.NewSchemaRef("", typed("boolean"))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
		reflect.Uint16, reflect.Uint32, reflect.Uint64:
		s := typed("integer")
		if t.Kind() == reflect.Int64 {
			s.Format = "int64"
		}
		return openapi3.NewSchemaRef("", s)
	case reflect.Float32, reflect.Float64:
		return openapi3.NewSchemaRef("", typed("number"))
	case reflect.String:
		s := typed("string")
		for _, v := range enums[t] {
			s.Enum = append(s.Enum, v)
		}
		return openapi3.NewSchemaRef("", s)
	case reflect.Slice, reflect.Array:
		// A nil slice is written as null: answers may hold either.
		s := typed("array")
		s.Items = g.schema(t.Elem(), answer)
		ref := openapi3.NewSchemaRef("", s)
		if answer && t.Kind() == reflect.Slice {
			return nullable(ref)
		}
		return ref
	case reflect.Map:
		s := typed("object")
		s.AdditionalProperties = openapi3.AdditionalProperties{Schema: g.schema(t.Elem(), answer)}
		return nullable(openapi3.NewSchemaRef("", s))
	case reflect.Struct:
		if !answer || t.Name() == "" || strings.Contains(t.Name(), "[") {
			return openapi3.NewSchemaRef("", g.object(t, answer))
		}
		name := componentName(t)
		if _, ok := g.components[name]; !ok && !g.building[name] {
			g.building[name] = true
			g.components[name] = openapi3.NewSchemaRef("", g.object(t, answer))
			delete(g.building, name)
		}
		return openapi3.NewSchemaRef("#/components/schemas/"+name, nil)
	}
	panic(fmt.Sprintf("openapi: no schema for %s", t))
}

// object is a struct's schema: its JSON fields, those of embedded structs promoted
// unless an outer field of the same name hides them.
func (g *schemaGen) object(t reflect.Type, answer bool) *openapi3.Schema {
	s := typed("object")
	s.Properties = openapi3.Schemas{}
	var required []string
	var walk func(t reflect.Type, depth int)
	seen := map[string]int{}
	walk = func(t reflect.Type, depth int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				for ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft, depth+1)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if d, ok := seen[name]; ok && d <= depth {
				continue
			}
			seen[name] = depth
			s.Properties[name] = g.schema(ft, answer)
			if answer && !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
				if !slices.Contains(required, name) {
					required = append(required, name)
				}
			}
		}
	}
	walk(t, 0)
	if answer { // an answer holds these fields, and no others
		slices.Sort(required)
		s.Required = required
		no := false
		s.AdditionalProperties = openapi3.AdditionalProperties{Has: &no}
	}
	return s
}

// errorSchema is the error shape of API.md.
func errorSchema() *openapi3.Schema {
	e := typed("object")
	e.Properties = openapi3.Schemas{
		"code":    openapi3.NewSchemaRef("", typed("string")),
		"message": openapi3.NewSchemaRef("", typed("string")),
		"fields": openapi3.NewSchemaRef("", &openapi3.Schema{Type: &openapi3.Types{"object"},
			AdditionalProperties: openapi3.AdditionalProperties{Schema: openapi3.NewSchemaRef("", typed("string"))},
			Description:          "the problem with each field, for 422"}),
		"details": openapi3.NewSchemaRef("", &openapi3.Schema{Description: "more about a conflict (409)"}),
	}
	e.Required = []string{"code", "message"}
	body := typed("object")
	body.Properties = openapi3.Schemas{"error": openapi3.NewSchemaRef("", e)}
	body.Required = []string{"error"}
	return body
}

// operationID names an operation after its handler: apiListAccounts → listAccounts.
func operationID(h gin.HandlerFunc) string {
	name := runtime.FuncForPC(reflect.ValueOf(h).Pointer()).Name()
	name = strings.TrimSuffix(name[strings.LastIndex(name, ".")+1:], "-fm")
	name = strings.TrimPrefix(name, "api")
	return string(unicode.ToLower(rune(name[0]))) + name[1:]
}

// openAPIPath turns a gin path into an OpenAPI one: /accounts/:id → /accounts/{id}.
func openAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// Document builds the OpenAPI document of the routes, mounted at base ("/api/v1").
func (s *server) document(base string) (*openapi3.T, error) {
	g := &schemaGen{components: openapi3.Schemas{}, building: map[string]bool{}}
	t := &openapi3.T{
		OpenAPI: OpenAPIVersion,
		Info: &openapi3.Info{Title: "Keyhold API", Version: "1",
			Description: "Keyhold's JSON API: accounts, their health and handovers, reports, webhooks. " +
				"Errors answer {\"error\": {\"code\", \"message\", \"fields\"?, \"details\"?}}. " +
				"Times are RFC 3339 in UTC; amounts of money are whole units of their currency. " +
				"Webhook deliveries follow Standard Webhooks 1.0 (see the webhooks operations)."},
		Paths: openapi3.NewPaths(),
		Components: &openapi3.Components{
			Schemas: g.components,
			SecuritySchemes: openapi3.SecuritySchemes{
				"session": &openapi3.SecuritySchemeRef{Value: &openapi3.SecurityScheme{Type: "http", Scheme: "bearer", BearerFormat: "JWT",
					Description: "A session token from POST /auth/login, valid 12 hours."}},
				"apiKey": &openapi3.SecuritySchemeRef{Value: &openapi3.SecurityScheme{Type: "http", Scheme: "bearer", BearerFormat: "khk_…",
					Description: "An API key (khk_ and 64 hex digits) from POST /api-keys: it acts as its owner, within its scopes."}},
			},
			Responses: openapi3.ResponseBodies{
				"Error": &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription("The request was refused; error.code says why.").
					WithJSONSchema(errorSchema())},
			},
		},
	}
	for _, rt := range s.routes() {
		op := openapi3.NewOperation()
		op.OperationID = operationID(rt.handle)
		op.Summary, op.Description, op.Tags = rt.doc.summary, rt.doc.text, []string{rt.doc.tag}
		switch {
		case rt.gate.public:
			op.Security = openapi3.NewSecurityRequirements()
		case rt.gate.session:
			op.Security = openapi3.NewSecurityRequirements().With(openapi3.NewSecurityRequirement().Authenticate("session"))
			op.Description = strings.TrimSpace(op.Description + " A signed-in session only: API keys are refused (403).")
		case rt.gate.scope != "":
			op.Security = openapi3.NewSecurityRequirements().
				With(openapi3.NewSecurityRequirement().Authenticate("session")).
				With(openapi3.NewSecurityRequirement().Authenticate("apiKey", string(rt.gate.scope)))
			op.Description = strings.TrimSpace(op.Description + " An API key needs the scope " + string(rt.gate.scope) + ".")
		default:
			op.Security = openapi3.NewSecurityRequirements().
				With(openapi3.NewSecurityRequirement().Authenticate("session")).
				With(openapi3.NewSecurityRequirement().Authenticate("apiKey"))
		}
		for _, seg := range strings.Split(rt.path, "/") {
			if name, ok := strings.CutPrefix(seg, ":"); ok {
				typ := "integer"
				if name == "code" || name == "tier" {
					typ = "string"
				}
				op.AddParameter(openapi3.NewPathParameter(name).WithSchema(typed(typ)))
			}
		}
		for _, q := range rt.doc.query {
			sch := typed(q.typ)
			for _, v := range q.enum {
				sch.Enum = append(sch.Enum, v)
			}
			p := openapi3.NewQueryParameter(q.name).WithSchema(sch)
			p.Description = q.help
			op.AddParameter(p)
		}
		switch {
		case rt.doc.upload:
			op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).
				WithFormDataSchema(uploadSchema())}
		case rt.doc.in != nil:
			op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().
				WithJSONSchemaRef(g.schema(reflect.TypeOf(rt.doc.in), false))}
		}
		status := rt.doc.status
		if status == 0 {
			status = http.StatusOK
		}
		ok := openapi3.NewResponse().WithDescription(http.StatusText(status))
		csvDoc := openapi3.NewMediaType().WithSchema(&openapi3.Schema{Type: &openapi3.Types{"string"},
			Description: "with ?format=csv: a spreadsheet, UTF-8 with a byte order mark"})
		switch {
		case rt.doc.out != nil:
			ok.Content = openapi3.NewContentWithJSONSchemaRef(g.schema(reflect.TypeOf(rt.doc.out), true))
		case !rt.doc.sheet:
			status = http.StatusNoContent
			ok = openapi3.NewResponse().WithDescription(http.StatusText(status))
		default:
			ok.Content = openapi3.Content{}
		}
		if rt.doc.csv || rt.doc.sheet {
			ok.Content["text/csv"] = csvDoc
		}
		if rt.doc.sheet {
			ok.Content[sheets.XLSX.ContentType()] = openapi3.NewMediaType().WithSchema(&openapi3.Schema{
				Type: &openapi3.Types{"string"}, Format: "binary", Description: "with ?format=xlsx: an Excel workbook"})
		}
		op.AddResponse(status, ok)
		withErrors(op)
		t.AddOperation(base+openAPIPath(rt.path), rt.method, op)
	}
	t.Tags = openapi3.Tags{
		{Name: "imports", Description: "Accounts and contacts brought in from Excel or CSV: a dry run, then a commit, undone within a day."},
		{Name: "sessions", Description: "Signing in, the caller's own settings and calendar feed."},
		{Name: "accounts", Description: "Accounts, their teams, contacts and interactions."},
		{Name: "health", Description: "Health scores, with every deduction's reasons in numbers, and the flag lists."},
		{Name: "handovers", Description: "The workflow when someone leaves: successors, notes, introductions, completion, the 90-day report."},
		{Name: "retention", Description: "Losses, win-backs and complaints."},
		{Name: "campaigns", Description: "Leader touch campaigns: leaders greeting and visiting key customers (春节, 中秋…), and who has."},
		{Name: "reports", Description: "Managers' reports, as JSON or CSV."},
		{Name: "users", Description: "Colleagues."},
		{Name: "settings", Description: "Contact cadences and currencies."},
		{Name: "api keys", Description: "Long-lived, scoped credentials for integrations."},
		{Name: "webhooks", Description: "Endpoints that hear of events, signed as Standard Webhooks 1.0; the events are under webhooks."},
		{Name: "chat alerts", Description: "WeCom, DingTalk, Feishu and Slack group robots: key accounts becoming neglected, handovers, complaints on key accounts, the Monday digest."},
	}
	t.Webhooks = map[string]*openapi3.PathItem{}
	for _, kind := range outbox.Kinds {
		t.Webhooks[string(kind)] = &openapi3.PathItem{Post: g.webhookOperation(kind)}
	}
	openapiOp := openapi3.NewOperation()
	openapiOp.OperationID, openapiOp.Summary, openapiOp.Tags = "openAPI", "This document", []string{"sessions"}
	openapiOp.Security = openapi3.NewSecurityRequirements()
	openapiOp.AddResponse(http.StatusOK, openapi3.NewResponse().WithDescription("OK").
		WithJSONSchema(&openapi3.Schema{Type: &openapi3.Types{"object"}, Description: "an OpenAPI 3.1 document"}))
	withErrors(openapiOp)
	t.AddOperation(base+"/openapi.json", "GET", openapiOp)
	return t, nil
}

// withErrors documents the error answers every operation may give.
func withErrors(op *openapi3.Operation) {
	errRef := &openapi3.ResponseRef{Ref: "#/components/responses/Error"}
	op.Responses.Set("4XX", errRef)
	op.Responses.Set("5XX", errRef)
}

func (s *server) apiOpenAPI(c *gin.Context) {
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/json; charset=utf-8", s.openapi)
}

// eventData are the data objects of the events, as the document shows them.
var eventData = map[outbox.Kind]any{
	outbox.AccountCreated: struct {
		Account accounts.Account `json:"account"`
	}{},
	outbox.AccountTransferred: outbox.Transfer{},
	outbox.AccountChurned:     outbox.Churn{},
	outbox.AccountFlagged:     outbox.Flag{},
	outbox.InteractionCreated: struct {
		Interaction accounts.Interaction `json:"interaction"`
	}{},
	outbox.ComplaintOpened: struct {
		Complaint retention.Complaint `json:"complaint"`
		Tier      string              `json:"tier"`
		OwnerID   int64               `json:"owner_id"`
	}{},
	outbox.HandoverStarted: outbox.Handover{},
	outbox.UserLeaving:     outbox.User{},
}

func init() {
	eventData[outbox.AccountUpdated] = eventData[outbox.AccountCreated]
	eventData[outbox.AccountUnflagged] = eventData[outbox.AccountFlagged]
	eventData[outbox.HandoverCompleted] = eventData[outbox.HandoverStarted]
	eventData[outbox.UserDeparted] = eventData[outbox.UserLeaving]
}

// webhookOperation documents what an endpoint receives for events of kind.
func (g *schemaGen) webhookOperation(kind outbox.Kind) *openapi3.Operation {
	op := openapi3.NewOperation()
	op.OperationID = "event." + string(kind)
	op.Summary = "The " + string(kind) + " event"
	op.Description = "Posted to every active endpoint that asked for it, signed as Standard Webhooks 1.0: " +
		"webhook-signature is v1, and the base64 HMAC-SHA256, keyed by the base64 key after whsec_, of id.timestamp.body. " +
		"Any 2xx answer delivers; otherwise it is tried again after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 14 h (each ±20%: eight tries over 25 to 38 hours); " +
		"410 turns the endpoint off; a Retry-After is honoured."
	op.Tags = []string{"webhooks"}
	for _, h := range []struct{ name, help string }{
		{"webhook-id", "msg_ and the event's id: the same on every try, for dropping repeats"},
		{"webhook-timestamp", "Unix seconds when this try was sent"},
		{"webhook-signature", "v1,<base64 HMAC-SHA256>"},
	} {
		p := openapi3.NewHeaderParameter(h.name).WithSchema(typed("string")).WithRequired(true)
		p.Description = h.help
		op.AddParameter(p)
	}
	kindSchema := typed("string")
	kindSchema.Const = string(kind)
	body := typed("object")
	body.Properties = openapi3.Schemas{
		"type":      openapi3.NewSchemaRef("", kindSchema),
		"timestamp": openapi3.NewSchemaRef("", &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "date-time"}),
		"data":      g.schema(reflect.TypeOf(eventData[kind]), true),
	}
	body.Required = []string{"data", "timestamp", "type"}
	no := false
	body.AdditionalProperties = openapi3.AdditionalProperties{Has: &no}
	op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).WithJSONSchema(body)}
	op.AddResponse(http.StatusOK, openapi3.NewResponse().WithDescription("Any 2xx: delivered"))
	return op
}

// uploadSchema is the form of a sheet's upload (POST /imports).
func uploadSchema() *openapi3.Schema {
	str := func(desc string, enum ...any) *openapi3.SchemaRef {
		return &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Description: desc, Enum: enum}}
	}
	return &openapi3.Schema{Type: &openapi3.Types{"object"}, Required: []string{"file", "kind"},
		Properties: openapi3.Schemas{
			"file": {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "binary",
				Description: "the sheet: .xlsx, or .csv in UTF-8 (with or without a byte order mark), UTF-16 or GB18030; at most 32 MB and 200,000 rows"}},
			"kind":    str("what the rows are", "accounts", "contacts"),
			"mapping": str(`optional JSON object correcting the recognised columns: a header's text or a column's number (from 1) → a field, or "" to leave the column out`),
		}}
}
