package emit

import (
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/fixture"
)

// contains checks that src has every snippet, in order.
func contains(t *testing.T, name string, src []byte, snippets ...string) {
	t.Helper()
	rest := string(src)
	for _, s := range snippets {
		i := strings.Index(rest, s)
		if i < 0 {
			t.Errorf("%s lacks %q (or has it out of order):\n%s", name, s, src)
			return
		}
		rest = rest[i+len(s):]
	}
}

func TestAuthorizeFlowFile(t *testing.T) {
	out := files(t, fixture.OIDC())
	const name = "oauthgen_flow_authorize_code.gen.go"
	contains(t, name, out[name],
		"type CodeData struct {",
		"\tDeviceID string `json:\"device_id\"`",
		"\tAttempts int `json:\"attempts\"`",
		"type AuthorizeCodeContext struct {",
		"\t*runtime.AuthorizeContext `validate:\"-\"`",
		"\tErrors AuthorizeCodeErrors `validate:\"-\"`",
		"\tData CodeData `validate:\"-\"`",
		"\tCampaign string `query:\"campaign\" validate:\"omitempty,alphanum\"`",
		"GenerateToken(ctx context.Context, c *AuthorizeCodeContext) (*runtime.AuthorizeResponse, error)",
		"func (c *AuthorizeCodeContext) Default(ctx context.Context) (*runtime.AuthorizeResponse, error) {\n"+
			"\traw, err := flowkit.EncodeData(c.Data)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n"+
			"\tc.CodeData.Data = raw\n\treturn runtime.IssueAuthorizeCode(ctx, c.AuthorizeContext)\n}",
		"\tflowkit.LoginRequiredCode\n",
		"var _ runtime.AuthorizeFlow = authorizeCodeFlow{}",
		// One parse helper for the precheck and the method (flows.md §5.1).
		"func (f authorizeCodeFlow) parse(a *runtime.AuthorizeContext) (*AuthorizeCodeContext, error) {\n"+
			"\tc := &AuthorizeCodeContext{AuthorizeContext: a}\n\tc.Campaign = a.Param(\"campaign\")\n",
		"flowkit.Validate(c)",
		"return c, nil\n}",
		"func (f authorizeCodeFlow) Check(_ context.Context, a *runtime.AuthorizeContext) error {\n\t_, err := f.parse(a)\n\treturn err\n}",
		"func (f authorizeCodeFlow) Authorize(ctx context.Context, a *runtime.AuthorizeContext) (*runtime.AuthorizeResponse, error) {\n"+
			"\tc, err := f.parse(a)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n",
		"return f.proc.GenerateToken(ctx, c)\n}",
	)
	if strings.Contains(string(out[name]), "InvalidGrant") {
		t.Error("the authorization step has an error the catalogue does not list")
	}
}

func TestTokenStepDecodesCodeData(t *testing.T) {
	out := files(t, fixture.OIDC())
	const name = "oauthgen_flow_authorization_code.gen.go"
	contains(t, name, out[name],
		"\tErrors AuthorizationCodeErrors `validate:\"-\"`",
		"\tData CodeData `validate:\"-\"`",
		"if err := runtime.CheckAuthorizationCode(",
		"}); err != nil {\n\t\treturn nil, err\n\t}\n"+
			"\tif err := flowkit.DecodeData(c.Presented.Data, &c.Data); err != nil {\n\t\treturn nil, err\n\t}\n"+
			"\treturn f.proc.GenerateToken(ctx, c)",
	)
	if strings.Contains(string(out[name]), "type CodeData") {
		t.Error("CodeData is declared in the token step's file too")
	}
}

func TestUserInfoFlowFile(t *testing.T) {
	out := files(t, fixture.OIDC())
	const name = "oauthgen_flow_user_info.gen.go"
	contains(t, name, out[name],
		"type UserInfoContext struct {\n",
		"\t*runtime.UserInfoContext `validate:\"-\"`\n",
		"\tErrors UserInfoErrors `validate:\"-\"`\n}",
		"GenerateToken(ctx context.Context, c *UserInfoContext) (*runtime.UserInfoResponse, error)",
		"return runtime.DefaultUserInfo(ctx, c.UserInfoContext)",
		"\tflowkit.InsufficientScopeCode\n",
		"var _ runtime.UserInfoFlow = userInfoFlow{}",
		"// UserInfo builds the flow's context and calls the procedure.\n"+
			"func (f userInfoFlow) UserInfo(ctx context.Context, u *runtime.UserInfoContext) (*runtime.UserInfoResponse, error) {\n"+
			"\tc := &UserInfoContext{UserInfoContext: u}\n\treturn f.proc.GenerateToken(ctx, c)\n}",
	)
	if strings.Contains(string(out[name]), "runtime.Validate") || strings.Contains(string(out[name]), "Data") {
		t.Errorf("userinfo validates or carries data:\n%s", out[name])
	}
}

func TestOIDCServerFile(t *testing.T) {
	out := files(t, fixture.OIDC())
	contains(t, ServerFile, out[ServerFile],
		"\t\tSigningAlg:        \"ES256\",\n",
		"\t\tAuthorizePath:     \"/oauth2/authorize\",\n",
		"\t\tRequirePKCE:       true,\n",
		"\t\tUserInfoPath:      \"/me\",\n",
		"\t\tIDTokenSigningAlg: \"RS256\",\n",
		"\t\tIDTokenTTL:        10 * time.Minute,\n",
		"\t\tToken: []runtime.TokenFlowRegistration{\n",
		"\t\t\t\tFlow: authorizationCodeFlow{proc: &AuthorizationCode{Procedures: p}},\n",
		"\t\tAuthorize: &runtime.AuthorizeFlowRegistration{\n\t\t\tID: \"oauth-authorize-authorization-code\",\n"+
			"\t\t\tPolicy: runtime.TokenPolicy{\n\t\t\t\tCodeTTL: time.Minute,\n\t\t\t},\n"+
			"\t\t\tFlow: authorizeCodeFlow{proc: &AuthorizeCode{Procedures: p}},\n\t\t},\n",
		"\t\tUserInfo: &runtime.UserInfoFlowRegistration{\n\t\t\tID:   \"openid-userinfo\",\n"+
			"\t\t\tFlow: userInfoFlow{proc: &UserInfo{Procedures: p}},\n\t\t},\n\t}\n}",
	)
}

// TestNoCodeDataWithoutSpec: without code_data there is no CodeData type,
// no Data field and no encoding or decoding.
func TestNoCodeDataWithoutSpec(t *testing.T) {
	s := fixture.OIDC()
	s.Flows[1].CodeData = nil
	for name, src := range files(t, s) {
		for _, bad := range []string{"CodeData struct", "Data CodeData", "EncodeData", "DecodeData"} {
			if strings.Contains(string(src), bad) {
				t.Errorf("%s has %q without code_data", name, bad)
			}
		}
	}
	// And a token-only spec has none of the new settings.
	out := files(t, fixture.Spec("oauth-token-authorization-code"))
	for _, bad := range []string{"AuthorizePath", "UserInfoPath", "IDToken", "Authorize:", "UserInfo:"} {
		if strings.Contains(string(out[ServerFile]), bad) {
			t.Errorf("token-only server file has %q:\n%s", bad, out[ServerFile])
		}
	}
}
