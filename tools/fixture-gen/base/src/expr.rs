//! A calculator for price rules: tokens, a recursive-descent parser and an evaluator.

use std::collections::HashMap;

/// A lexical token.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    Number(f64),
    Name(String),
    Plus,
    Minus,
    Star,
    Slash,
    Open,
    Close,
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Number(f64),
    Variable(String),
    Binary(Box<Expr>, char, Box<Expr>),
    Negate(Box<Expr>),
}

/// What went wrong while reading or evaluating.
#[derive(Debug, Clone, PartialEq)]
pub struct CalcError {
    pub message: String,
    pub position: usize,
}

/// Parser state over a token list.
#[derive(Debug, Clone)]
pub struct Parser {
    pub tokens: Vec<Token>,
    pub position: usize,
}

/// Variables known to the evaluator.
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub values: HashMap<String, f64>,
    pub lookups: u32,
}

impl CalcError {
    pub fn new(message: &str, position: usize) -> CalcError {
        CalcError {
            message: message.to_string(),
            position,
        }
    }

    pub fn describe(&self) -> String {
        format!("{} at {}", self.message, self.position)
    }
}

/// Splits an input into tokens.
pub fn tokenize(input: &str) -> Result<Vec<Token>, CalcError> {
    let chars: Vec<char> = input.chars().collect();
    let /*@m:E0596*/mut tokens = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        let current = chars[index];
        if current.is_whitespace() {
            index += 1;
            continue;
        }
        if current.is_ascii_digit() || current == '.' {
            let start = index;
            while index < chars.len() && (chars[index].is_ascii_digit() || chars[index] == '.') {
                index += 1;
            }
            let text: String = chars[start..index].iter().collect();
            let value: f64 = text
                .parse()
                .map_err(|_| CalcError::new("bad number", start))?;
            tokens.push(Token::Number(value));
            continue;
        }
        if current.is_alphabetic() {
            let start = index;
            while index < chars.len() && (chars[index].is_alphanumeric() || chars[index] == '_') {
                index += 1;
            }
            tokens.push(Token::Name(chars[start..index].iter().collect()));
            continue;
        }
        let token = match current {
            '+' => Token::Plus,
            '-' => Token::Minus,
            '*' => Token::Star,
            '/' => Token::Slash,
            '(' => Token::Open,
            ')' => Token::Close,
            _ => return Err(CalcError::new("unexpected character", index)),
        };
        tokens.push(token);
        index += 1;
    }
    Ok(tokens)
}

impl Parser {
    pub fn new(tokens: Vec<Token>) -> Parser {
        Parser {
            tokens,
            position: 0,
        }
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.position)
    }

    fn advance(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.position).cloned();
        self.position += 1;
        token
    }

    pub fn parse_sum(&mut self) -> Result<Expr, CalcError> {
        let mut left = self.parse_product()?;
        loop {
            let operator = match self.peek() {
                Some(Token::Plus) => '+',
                Some(Token::Minus) => '-',
                _ => return Ok(left),
            };
            self.advance();
            let right = self.parse_product()?;
            left = Expr::Binary(Box::new(left), operator, Box::new(right));
        }
    }

    pub fn parse_product(&mut self) -> Result<Expr, CalcError> {
        let mut left = self.parse_unary()?;
        loop {
            let operator = match self.peek() {
                Some(Token::Star) => '*',
                Some(Token::Slash) => '/',
                _ => return Ok(left),
            };
            self.advance();
            let right = self.parse_unary()?;
            left = Expr::Binary(Box::new(left), operator, Box::new(right));
        }
    }

    pub fn parse_unary(&mut self) -> Result<Expr, CalcError> {
        if self.peek() == Some(&Token::Minus) {
            self.advance();
            let inner = self.parse_unary()?;
            return Ok(Expr::Negate(Box::new(inner)));
        }
        self.parse_atom()
    }

    pub fn parse_atom(&mut self) -> Result<Expr, CalcError> {
        let position = self.position;
        match self.advance() {
            Some(Token::Number(value)) => Ok(Expr::Number(value)),
            Some(Token::Name(name)) => Ok(Expr::Variable(name)),
            Some(Token::Open) => {
                let inner = self.parse_sum()?;
                match self.advance() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err(CalcError::new("missing )", position)),
                }
            }
            _ => Err(CalcError::new("expected a value", position)),
        }
    }
}

impl Env {
    pub fn new() -> Env {
        Env::default()
    }

    pub fn with(mut self, name: &str, value: f64) -> Env {
        self.values.insert(name.to_string(), value);
        self
    }

    pub fn lookup(&mut self, name: &str) -> Option<f64> {
        self.lookups += 1;
        self.values.get(name).copied()
    }
}

impl Expr {
    pub fn evaluate(&self, env: &mut Env) -> Result<f64, CalcError> {
        match self {
            Expr::Number(value) => Ok(*value),
            Expr::Variable(name) => env
                .lookup(name)
                .ok_or_else(|| CalcError::new("unknown variable", 0)),
            Expr::Negate(inner) => Ok(-inner.evaluate(env)?),
            Expr::Binary(left, operator, right) => {
                let a = left.evaluate(env)?;
                let b = right.evaluate(env)?;
                match operator {
                    '+' => Ok(a + b),
                    '-' => Ok(a - b),
                    '*' => Ok(a * b),
                    _ => {
                        if b == 0.0 {
                            Err(CalcError::new("division by zero", 0))
                        } else {
                            Ok(a / b)
                        }
                    }
                }
            }
        }
    }

    /// The variables used by the expression, sorted and without repeats.
    pub fn variables(&self) -> Vec<String> {
        let mut found = Vec::new();
        self.collect_variables(&mut found);
        found.sort();
        found.dedup();
        found
    }

    fn collect_variables(&self, found: &mut Vec<String>) {
        match self {
            Expr::Number(_) => {}
            Expr::Variable(name) => found.push(name.clone()),
            Expr::Negate(inner) => inner.collect_variables(found),
            Expr::Binary(left, _, right) => {
                left.collect_variables(found);
                right.collect_variables(found);
            }
        }
    }

    pub fn depth(&self) -> usize {
        match self {
            Expr::Number(_) | Expr::Variable(_) => 1,
            Expr::Negate(inner) => 1 + inner.depth(),
            Expr::Binary(left, _, right) => 1 + left.depth().max(right.depth()),
        }
    }
}

/// Parses a whole input; trailing tokens are an error.
pub fn parse(input: &str) -> Result<Expr, CalcError> {
    let tokens = tokenize(input)?;
    let count = tokens.len();
    let /*@m:E0596*/mut parser = Parser::new(tokens);
    let expr = parser.parse_sum()?;
    if parser.position < count {
        return Err(CalcError::new("trailing input", parser.position));
    }
    Ok(expr)
}

/// Parses and evaluates in one step.
pub fn calculate(input: &str, env: &mut Env) -> Result<f64, CalcError> {
    let expr = parse(input)?;
    expr.evaluate(env)
}

/// Evaluates several rules and reports the failures.
pub fn evaluate_all(rules: Vec<String>, env: &mut Env) -> (Vec<f64>, usize) {
    /*@x*/let inputs = rules/*@c*/.clone();
    let mut results = Vec::new();
    for input in inputs {
        if let Ok(value) = calculate(/*@r*/&input, env) {
            results.push(value);
        }
    }
    let failures = rules.len() - results.len();
    (results, failures)
}

/// The error that occurred earlier in the input.
/*@lt*/pub fn first_error<'a>(first: &'a CalcError, second: &'a CalcError) -> &'a CalcError {
    if second.position < first.position {
        second
    } else {
        first
    }
}

#[cfg(test)]
mod tests {
    use super::{calculate, evaluate_all, first_error, parse, tokenize, CalcError, Env, Token};

    #[test]
    fn tokens() {
        let tokens = tokenize("2 * (x + 1.5)").unwrap();
        assert_eq!(tokens.len(), 7);
        assert_eq!(tokens[2], Token::Open);
        assert_eq!(tokens[4], Token::Plus);
        assert_eq!(tokenize("2 $ 3").unwrap_err().position, 2);
    }

    #[test]
    fn precedence_and_variables() {
        let mut env = Env::new().with("price", 10.0).with("qty", 3.0);
        assert_eq!(calculate("1 + 2 * 3", &mut env), Ok(7.0));
        assert_eq!(calculate("(1 + 2) * 3", &mut env), Ok(9.0));
        assert_eq!(calculate("-price * qty + 5", &mut env), Ok(-25.0));
        assert_eq!(env.lookups, 2);
        let expr = parse("a * (b - a) / c").unwrap();
        assert_eq!(expr.variables(), vec!["a", "b", "c"]);
        assert_eq!(expr.depth(), 4);
    }

    #[test]
    fn errors() {
        let mut env = Env::new();
        assert_eq!(
            calculate("1 / 0", &mut env).unwrap_err().message,
            "division by zero"
        );
        assert_eq!(
            calculate("1 +", &mut env).unwrap_err().describe(),
            "expected a value at 2"
        );
        assert_eq!(calculate("(1", &mut env).unwrap_err().message, "missing )");
        assert_eq!(
            calculate("1 2", &mut env).unwrap_err().message,
            "trailing input"
        );
        assert_eq!(
            calculate("y", &mut env).unwrap_err().message,
            "unknown variable"
        );
        let late = CalcError::new("late", 9);
        let early = CalcError::new("early", 3);
        assert_eq!(first_error(&late, &early).message, "early");
    }

    #[test]
    fn batches() {
        let mut env = Env::new().with("x", 2.0);
        let rules = vec!["x * x".to_string(), "x +".to_string(), "10 / x".to_string()];
        let (results, failures) = evaluate_all(rules, &mut env);
        assert_eq!(results, vec![4.0, 5.0]);
        assert_eq!(failures, 1);
    }
}
