//! Every case under `transforms/<rule>/cases/` gets a snapshot of the findings and the full
//! diff the tool proposes (unsafe fixes included, so every fix is reviewed as a diff). The
//! `# Error` / `# OK` comment before each function (or other statement: module-level code) is
//! checked too: an `# Error` statement must have a finding, an `# OK` one none. A case may start
//! with `# cancelsafe-case:` and flags (`--target-version pyXY`, `--cleanup-timeout N`,
//! `--helper-module M`, `--select CODES` for rules that work together). A case file named like
//! a test (`test_*.py`) is test code, as it would be for the binary.

use std::path::Path;

use cancelsafe::analysis::project::Project;
use cancelsafe::engine::{apply_fixes, check_source};
use cancelsafe::rules::Rule;
use cancelsafe::settings::{parse_target_version, Settings};
use cancelsafe::source::Locations;
use ruff_diagnostics::Applicability;
use ruff_python_ast::statement_visitor::{walk_stmt, StatementVisitor};
use ruff_python_ast::Stmt;
use ruff_text_size::{Ranged, TextRange};

fn settings_for(path: &Path, text: &str) -> Settings {
    let folder = path.parent().and_then(Path::parent).and_then(Path::file_name).unwrap().to_string_lossy();
    let code = folder.split('-').next().unwrap();
    let rule = Rule::from_code(code).unwrap_or_else(|| panic!("{folder}: folder does not start with a rule code"));
    // The case folder is no test folder; the file's own name says whether it is test code.
    let test_code = cancelsafe::paths::is_test_path(Path::new(path.file_name().unwrap()), None);
    let mut settings = Settings { rules: vec![rule], unsafe_fixes: true, test_code, ..Settings::default() };
    if let Some(args) = text.lines().next().and_then(|line| line.strip_prefix("# cancelsafe-case:")) {
        let mut words = args.split_whitespace();
        while let Some(word) = words.next() {
            match word {
                "--target-version" => settings.target_version = parse_target_version(words.next().unwrap()).unwrap(),
                "--cleanup-timeout" => settings.cleanup_timeout = words.next().unwrap().parse().unwrap(),
                "--helper-module" => settings.helper_module = Some(words.next().unwrap().to_string()),
                "--select" => settings.rules = words.next().unwrap().split(',').map(|code| Rule::from_code(code).unwrap()).collect(),
                other => panic!("{}: unknown case argument {other}", path.display()),
            }
        }
    }
    settings
}

fn marked_functions(text: &str) -> Vec<(bool, String, TextRange)> {
    struct Statements<'s>(&'s str, Vec<(String, TextRange)>);
    impl<'a> StatementVisitor<'a> for Statements<'_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            let name = match stmt {
                Stmt::FunctionDef(f) => f.name.to_string(),
                other => self.0[other.range()].lines().next().unwrap_or_default().to_string(),
            };
            self.1.push((name, stmt.range()));
            walk_stmt(self, stmt);
        }
    }
    let parsed = ruff_python_parser::parse_module(text).expect("case parses");
    let mut defs = Statements(text, Vec::new());
    defs.visit_body(&parsed.syntax().body);
    let statements = defs.1;
    let mut marked = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let marker = match line.trim() {
            "# Error" => Some(true),
            "# OK" => Some(false),
            _ => None,
        };
        offset += line.len();
        if let Some(is_error) = marker {
            let next = statements.iter().filter(|(_, r)| r.start().to_usize() >= offset).min_by_key(|(_, r)| r.start());
            if let Some((name, range)) = next {
                marked.push((is_error, name.clone(), *range));
            }
        }
    }
    marked
}

#[test]
fn transform_cases() {
    insta::glob!("../transforms", "*/cases/*.py", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let settings = settings_for(path, &text);
        let checked = check_source(&text, &settings, &Project::of(path), Some(Applicability::Unsafe)).unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message()));

        let marked = marked_functions(&text);
        assert!(!marked.is_empty() || !text.contains("# Error"), "{}: markers not matched to functions", path.display());
        for (is_error, name, range) in marked {
            let hits = checked.findings.iter().filter(|f| range.contains_range(f.range)).count();
            if is_error {
                assert!(hits > 0, "{}: `{name}` is marked # Error but has no finding", path.display());
            } else {
                assert!(hits == 0, "{}: `{name}` is marked # OK but has {hits} finding(s)", path.display());
            }
        }
        assert!(ruff_python_parser::parse_module(&checked.fixed).is_ok(), "{}: fixed code does not parse", path.display());
        // Each fix also parses when applied alone: `cancelsafe -i` lets a reviewer take any one.
        for finding in checked.findings.iter().filter(|f| f.fix.is_some()) {
            let alone = apply_fixes(&text, std::slice::from_ref(finding), Applicability::Unsafe).text;
            let position = Locations::new(&text).position(finding.range.start());
            assert!(ruff_python_parser::parse_module(&alone).is_ok(), "{}: the {} fix at {position} does not parse when applied alone", path.display(), finding.rule.code());
        }
        // Snapshots normalise line endings, so CRLF is checked here: inserted lines follow the file.
        if text.contains("\r\n") {
            let bare_lf = checked.fixed.split('\n').filter(|line| !line.ends_with('\r')).count() - 1;
            assert_eq!(bare_lf, 0, "{}: the fix inserted LF line endings into a CRLF file", path.display());
        }
        let again = check_source(&checked.fixed, &settings, &Project::of(path), Some(Applicability::Unsafe)).unwrap();
        assert_eq!(again.fixed, checked.fixed, "{}: a second run changes the fixed code", path.display());

        let locations = Locations::new(&text);
        let mut snapshot = String::from("## Findings\n");
        for finding in &checked.findings {
            let position = locations.position(finding.range.start());
            // An unsafe fix says why, and so does a finding without one; a safe fix needs no reason.
            let is_safe = finding.fix.as_ref().is_some_and(|f| f.applicability() == Applicability::Safe);
            assert_eq!(finding.reason.is_none(), is_safe, "{}: {position} {}: {}", path.display(), finding.rule.code(), finding.fix_label());
            snapshot.push_str(&format!("{position} {} ({}) {}\n", finding.rule.code(), finding.fix_label(), finding.message));
        }
        snapshot.push_str("\n## Diff (safe and unsafe fixes)\n");
        let diff = similar::TextDiff::from_lines(&text, &checked.fixed);
        snapshot.push_str(&diff.unified_diff().context_radius(3).header("original", "fixed").to_string());
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(snapshot);
        });
    });
}
