//! A lending library for the shop's book corner: books, members and loans.

use std::collections::HashMap;
/*@u:E0425:library_btreeset*/use std::collections::BTreeSet;

/// A book on the shelf.
#[derive(Debug, Clone, PartialEq)]
pub struct Book {
    pub isbn: String,
    pub title: String,
    pub author: String,
    pub year: u16,
    pub copies: u32,
}

/// A current loan.
#[derive(Debug, Clone, PartialEq)]
pub struct Loan {
    pub isbn: String,
    pub member: String,
    pub day: u32,
}

/// How a book is shelved.
#[derive(Clone, Copy, /*@d:genre_dbg*/Debug, /*@d:genre_eq*/PartialEq)]
pub enum Genre {
    Fiction,
    Science,
    History,
}

/// The library: its books, its loans and a log of returns.
#[derive(Debug, Default)]
pub struct Library {
    pub books: HashMap<String, Book>,
    pub loans: Vec<Loan>,
    pub returned: u32,
}

impl Book {
    pub fn new(isbn: &str, title: &str, author: &str, year: u16) -> Book {
        Book {
            isbn: isbn.to_string(),
            title: title.to_string(),
            author: author.to_string(),
            year,
            copies: 1,
        }
    }

    pub fn citation(&self) -> String {
        format!("{} ({}), {}", self.author, self.year, self.title)
    }

    pub fn age(&self, current_year: u16) -> u16 {
        current_year.saturating_sub(self.year)
    }

    pub fn genre(&self) -> Genre {
        if self.title.contains("History") {
            Genre::History
        } else if self.title.contains("Physics") || self.title.contains("Biology") {
            Genre::Science
        } else {
            Genre::Fiction
        }
    }
}

impl Genre {
    pub fn shelf_label(self) -> String {
        /*@t:genre_dbg*/format!("{:?}", self).to_uppercase()
    }

    pub fn is_fiction(self) -> bool {
        /*@t:genre_eq*/self == Genre::Fiction
    }
}

impl Library {
    pub fn new() -> Library {
        Library::default()
    }

    pub fn add_book(&mut self, book: Book) {
        match self.books.get_mut(&book.isbn) {
            Some(existing) => existing.copies += book.copies,
            None => {
                self.books.insert(book.isbn.clone(), book);
            }
        }
    }

    pub fn on_loan(&self, isbn: &str) -> u32 {
        self.loans.iter().filter(|loan| loan.isbn == isbn).count() as u32
    }

    pub fn available(&self, isbn: &str) -> u32 {
        let copies = self.books.get(isbn).map(|book| book.copies).unwrap_or(0);
        copies.saturating_sub(self.on_loan(isbn))
    }

    pub fn lend(&mut self, isbn: &str, member: &str, day: u32) -> bool {
        if self.available(isbn) == 0 {
            return false;
        }
        self.loans.push(Loan {
            isbn: isbn.to_string(),
            member: member.to_string(),
            day,
        });
        true
    }

    pub fn give_back(&mut self, isbn: &str, member: &str) -> bool {
        let position = self.loans.iter().position(|loan| loan.isbn == isbn && loan.member == member);
        match position {
            Some(index) => {
                self.loans.remove(index);
                self.returned += 1;
                true
            }
            None => false,
        }
    }

    /// Loans older than `days` on day `today`.
    pub fn overdue(&self, today: u32, days: u32) -> Vec<&Loan> {
        self.loans.iter().filter(|loan| today.saturating_sub(loan.day) > days).collect()
    }

    pub fn by_author(&self, author: &str) -> Vec<String> {
        let /*@m:E0596*/mut titles: Vec<String> = self
            .books
            .values()
            .filter(|book| book.author == author)
            .map(|book| book.title.clone())
            .collect();
        titles.sort();
        titles
    }

    /// The distinct authors, sorted.
    pub fn authors(&self) -> Vec<String> {
        let names: /*@t:library_btreeset*/BTreeSet<String> = self.books.values().map(|book| book.author.clone()).collect();
        names.into_iter().collect()
    }

    pub fn borrowers(&self) -> Vec<(String, usize)> {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for loan in &self.loans {
            *counts.entry(loan.member.clone()).or_insert(0) += 1;
        }
        let /*@m:E0596*/mut list: Vec<(String, usize)> = counts.into_iter().collect();
        list.sort();
        list
    }

    pub fn total_copies(&self) -> u32 {
        let /*@m:E0384*/mut total = 0;
        for book in self.books.values() {
            total = total + book.copies;
        }
        total
    }

    pub fn oldest(&self) -> Option<&Book> {
        self.books.values().min_by_key(|book| (book.year, book.isbn.clone()))
    }
}

/// The newer of two books.
/*@lt*/pub fn newer<'a>(first: &'a Book, second: &'a Book) -> &'a Book {
    if second.year > first.year {
        second
    } else {
        first
    }
}

/// Books matching a word in the title or author, case-insensitive.
pub fn search<'a>(books: &'a [Book], word: &str) -> Vec<&'a Book> {
    let needle = word.to_lowercase();
    books
        .iter()
        .filter(|book| book.title.to_lowercase().contains(&needle) || book.author.to_lowercase().contains(&needle))
        .collect()
}

/// Adds a list of books and tells how many were new titles.
pub fn stock_books(library: &mut Library, books: Vec<Book>) -> usize {
    let before = library.books.len();
    let incoming = books/*@c*/.clone();
    for book in incoming {
        library.add_book(book);
    }
    let added = library.books.len() - before;
    added.min(books.len())
}

#[cfg(test)]
mod tests {
    use super::{Book, Library, newer, search, stock_books};

    fn library() -> Library {
        let mut library = Library::new();
        let books = vec![
            Book::new("1", "Dune", "Herbert", 1965),
            Book::new("2", "A History of Tea", "Ellis", 2001),
            Book::new("3", "Physics for Cats", "Ellis", 2015),
            Book::new("1", "Dune", "Herbert", 1965),
        ];
        assert_eq!(stock_books(&mut library, books), 3);
        library
    }

    #[test]
    fn lending() {
        let mut library = library();
        assert_eq!(library.available("1"), 2);
        assert!(library.lend("1", "ann", 1));
        assert!(library.lend("1", "bob", 2));
        assert!(!library.lend("1", "cy", 3));
        assert!(library.give_back("1", "ann"));
        assert!(!library.give_back("1", "ann"));
        assert_eq!(library.returned, 1);
        assert_eq!(library.overdue(30, 14).len(), 1);
        assert_eq!(library.borrowers(), vec![("bob".to_string(), 1)]);
    }

    #[test]
    fn catalogue() {
        let library = library();
        assert_eq!(library.by_author("Ellis"), vec!["A History of Tea", "Physics for Cats"]);
        assert_eq!(library.authors(), vec!["Ellis", "Herbert"]);
        assert_eq!(library.total_copies(), 4);
        assert_eq!(library.oldest().map(|book| book.isbn.as_str()), Some("1"));
    }

    #[test]
    fn books() {
        let dune = Book::new("1", "Dune", "Herbert", 1965);
        let tea = Book::new("2", "A History of Tea", "Ellis", 2001);
        assert_eq!(dune.citation(), "Herbert (1965), Dune");
        assert_eq!(dune.age(2025), 60);
        assert_eq!(tea.genre().shelf_label(), "HISTORY");
        assert!(dune.genre().is_fiction());
        assert_eq!(newer(&dune, &tea).isbn, "2");
        let shelf = vec![dune, tea];
        assert_eq!(search(/*@r*/&shelf, "herb").len(), 1);
        assert_eq!(search(&shelf, "E").len(), 2);
    }
}
