//! Catching a panic inside one file's work, quietly.
//!
//! The default panic hook prints `thread '…' panicked at …` to stderr, which in a batch would
//! interleave with the progress bar and the JSON a user pipes on. A caught panic is already
//! reported in its document's error, so the hook installed here stays silent for panics that
//! happen inside [`catch`] and records their message and place instead; panics anywhere else
//! still go to the previous hook, so that a real crash of jixiao itself is still seen.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe, PanicHookInfo};
use std::sync::Once;

thread_local! {
    /// True while this thread runs a closure inside [`catch`].
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    /// The place of the last caught panic on this thread, as the hook saw it.
    static PLACE: RefCell<Option<String>> = const { RefCell::new(None) };
}

static INSTALL: Once = Once::new();

fn install_hook() {
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
            if CATCHING.with(Cell::get) {
                let place = info
                    .location()
                    .map(|location| format!("{}:{}", location.file(), location.line()));
                PLACE.with(|slot| *slot.borrow_mut() = place);
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `work`, turning a panic into `Err(message)`, where the message holds the panic's text
/// and the source place it came from.
pub(crate) fn catch<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    let was_catching = CATCHING.with(|flag| flag.replace(true));
    PLACE.with(|slot| slot.borrow_mut().take());
    // The closure's captures are only borrowed for reading (bytes, limits, the extractor), and
    // nothing it may have half-updated is looked at after a panic, so asserting unwind safety
    // cannot expose a broken invariant.
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    CATCHING.with(|flag| flag.set(was_catching));
    result.map_err(|payload| {
        let text = payload_text(payload.as_ref());
        match PLACE.with(|slot| slot.borrow_mut().take()) {
            Some(place) => format!("panic at {place}: {text}"),
            None => format!("panic: {text}"),
        }
    })
}

fn payload_text(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message_and_place() {
        let error = catch(|| -> u32 { panic!("index 7 out of range") }).expect_err("panicked");
        assert!(error.contains("index 7 out of range"), "{error}");
        assert!(error.contains("panic_guard.rs:"), "{error}");
        assert_eq!(catch(|| 5), Ok(5));
    }

    #[test]
    fn nested_catches_restore_the_outer_state() {
        let outer = catch(|| {
            let inner = catch(|| -> () { panic!("inner") });
            assert!(inner.is_err());
            // Still inside the outer catch: this panic is caught too.
            panic!("outer {}", 2)
        });
        assert!(outer.expect_err("panicked").contains("outer 2"));
        assert!(!CATCHING.with(Cell::get));
    }
}
