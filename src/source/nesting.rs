//! How deep a module's tree can be, bounded from its tokens alone, so that a module nested
//! beyond what any walk of its tree can afford (200,000 unary minuses) is refused before one
//! starts. The parser itself grows its stack as it needs; the walks after it do not.

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_python_ast::ModModule;
use ruff_python_parser::Parsed;
use ruff_text_size::{Ranged, TextSize};

/// Levels an indented block can add (a `try`, its handler, the statement in it).
const LEVELS_PER_BLOCK: usize = 3;
/// Levels a segment adds besides its operators: the node it belongs to, and a tuple, `yield`
/// or `await` around a comma-separated list.
const LEVELS_PER_SEGMENT: usize = 3;

/// Where the bound on the tree's depth first exceeds `limit`, and the bound there.
///
/// Within brackets, each comma-separated segment is a subtree of its own; each operator,
/// attribute dot, keyword operator and opening bracket in a segment can add one level
/// (`1+1+1…` nests to the left, `- - - x` to the right). Flat chains (`a and b and c`, `a < b
/// < c`) are one node, so boolean operators and comparisons count at most twice per segment.
pub fn deeper_than(tokens: &Tokens, limit: usize) -> Option<(TextSize, usize)> {
    let mut blocks = 0usize;
    // Per open bracket (the logical line itself first): (operators, boolean/comparison operators).
    let mut segments: Vec<(usize, usize)> = vec![(0, 0)];
    let mut depth_outside = 0usize; // the sum over the enclosing segments
    for token in tokens {
        let kind = token.kind();
        match kind {
            TokenKind::Indent => blocks += 1,
            TokenKind::Dedent => blocks = blocks.saturating_sub(1),
            TokenKind::Newline => {
                segments.truncate(1);
                segments[0] = (0, 0);
                depth_outside = 0;
            }
            TokenKind::Comma | TokenKind::Semi => *segments.last_mut().unwrap_or(&mut (0, 0)) = (0, 0),
            _ if opens(kind) => {
                let (operators, flat) = segments.last_mut().map(|s| {
                    s.0 += 1;
                    *s
                }).unwrap_or_default();
                depth_outside += operators + flat.min(2) + LEVELS_PER_SEGMENT;
                segments.push((0, 0));
            }
            _ if closes(kind) => {
                if segments.len() > 1 {
                    segments.pop();
                    let (operators, flat) = segments.last().copied().unwrap_or_default();
                    depth_outside = depth_outside.saturating_sub(operators + flat.min(2) + LEVELS_PER_SEGMENT);
                }
            }
            _ if is_flat_operator(kind) => {
                if let Some(segment) = segments.last_mut() {
                    segment.1 += 1;
                }
            }
            _ if is_nesting_operator(kind) => {
                if let Some(segment) = segments.last_mut() {
                    segment.0 += 1;
                }
            }
            _ => continue,
        }
        let (operators, flat) = segments.last().copied().unwrap_or_default();
        let depth = blocks * LEVELS_PER_BLOCK + depth_outside + operators + flat.min(2) + LEVELS_PER_SEGMENT;
        if depth > limit {
            return Some((token.start(), limit));
        }
    }
    None
}

fn opens(kind: TokenKind) -> bool {
    matches!(kind, TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace | TokenKind::FStringStart | TokenKind::TStringStart)
}

fn closes(kind: TokenKind) -> bool {
    matches!(kind, TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace | TokenKind::FStringEnd | TokenKind::TStringEnd)
}

/// Operators that make one flat node however long the chain.
fn is_flat_operator(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::And
            | TokenKind::Or
            | TokenKind::Less
            | TokenKind::Greater
            | TokenKind::EqEqual
            | TokenKind::NotEqual
            | TokenKind::LessEqual
            | TokenKind::GreaterEqual
            | TokenKind::In
            | TokenKind::Is
    )
}

/// Tokens each of which can put one more node between the root and a leaf.
fn is_nesting_operator(kind: TokenKind) -> bool {
    kind.is_operator() && !matches!(kind, TokenKind::Colon | TokenKind::Equal | TokenKind::Rarrow)
        || matches!(
            kind,
            TokenKind::Not
                | TokenKind::Await
                | TokenKind::Lambda
                | TokenKind::If
                | TokenKind::Else
                | TokenKind::For
                | TokenKind::Yield
                | TokenKind::From
        )
}

/// Drops a tree too deep for this thread's stack: on a stack grown for it (about 1 KiB per
/// token covers any nesting the tokens allow).
pub fn drop_deep(parsed: Parsed<ModModule>) {
    let size = 1024 * 1024 + parsed.tokens().len().saturating_mul(1024);
    stacker::grow(size, move || drop(parsed));
}
