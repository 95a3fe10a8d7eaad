use super::*;
use crate::diagnostics;
use crate::fix::suggest::survey;

const CLIENT: &str = "class Client:\n    def get(self):\n        return 1\n\n\ndef make_client():\n    return Client()\n";

const USE: &str = "from app.client import Client, make_client\n\n\nclass S:\n    def __init__(self):\n        self.y = make_client()\n\n    def own(self):\n        return 2\n\n    async def run(self, make):\n        c = make_client()\n        await c.get()\n        await make_client().get()\n        await self.own()\n        await make()\n        await Client.get(c)\n        await make_client()\n        await self.x.get()\n        await self.t\n        await self.y.get()\n";

/// A ty GitLab diagnostic for the operand at `line`, columns `from..to` (1-based).
fn ty(line: usize, from: usize, to: usize, ty: &str) -> String {
    format!(
        "{{\"check_name\": \"invalid-await\", \"description\": \"invalid-await: `{ty}` is not awaitable\", \"severity\": \"major\", \"fingerprint\": \"x\", \"location\": {{\"path\": \"app/use.py\", \"positions\": {{\"begin\": {{\"line\": {line}, \"column\": {from}}}, \"end\": {{\"line\": {line}, \"column\": {to}}}}}}}}}"
    )
}

fn module(name: &str) -> ModulePath {
    ModulePath {
        name: name.to_string(),
        is_package: false,
    }
}

#[test]
fn callees_are_named_through_the_tree() {
    let operand = |line: usize, text: &str, t: &str| {
        let src_line = USE.lines().nth(line - 1).unwrap();
        let from = src_line.find(text).unwrap() + 1;
        ty(line, from, from + text.len(), t)
    };
    let output = format!(
        "[{}]",
        [
            operand(13, "c.get()", "int"),
            operand(14, "make_client().get()", "int"),
            operand(15, "self.own()", "int"),
            operand(16, "make()", "Unknown"),
            operand(17, "Client.get(c)", "int"),
            operand(18, "make_client()", "Client"),
            operand(19, "self.x.get()", "int"),
            operand(20, "self.t", "int"),
            operand(21, "self.y.get()", "int"),
        ]
        .join(", ")
    );
    let parsed = diagnostics::parse(&output).unwrap();
    let options = FixOptions {
        keep_in_raises: true,
    };
    let m = module("app.use");
    let flags = flag_file(
        USE.as_bytes(),
        Some(&m),
        "app/use.py",
        &parsed.diagnostics,
        options,
    )
    .unwrap();
    let surveys = vec![
        (
            0,
            survey(
                CLIENT.as_bytes(),
                Some(&module("app.client")),
                "app/client.py",
            ),
        ),
        (1, survey(USE.as_bytes(), Some(&m), "app/use.py")),
    ];
    let report = group(&[flags], &surveys, &RuleSet::default());
    let got: Vec<(Kind, &str, Option<&str>, usize, &str)> = report
        .callees
        .iter()
        .map(|c| {
            (
                c.kind,
                c.name.as_str(),
                c.rule.as_deref(),
                c.at.len(),
                c.confidence.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                Kind::Method,
                "app.client.Client.get",
                Some("get"),
                4,
                "proven"
            ),
            (
                Kind::Function,
                "app.client.make_client",
                Some("app.client.make_client"),
                1,
                "proven"
            ),
            (Kind::Function, "make", None, 1, "review"),
            (Kind::Method, ".get", Some("get"), 1, "proven"),
            (Kind::Method, "app.use.S.own", Some("own"), 1, "proven"),
        ]
    );
    assert_eq!(
        (
            report.flagged,
            report.in_functions,
            report.in_methods,
            report.not_calls
        ),
        (9, 2, 6, 1)
    );
    let make = &report.callees[2];
    assert_eq!(make.reasons, vec!["type-may-be-awaitable", UNRESOLVED]);
    assert_eq!(
        report.callees[1].defined_at,
        Some(("app/client.py".to_string(), 6))
    );
}
