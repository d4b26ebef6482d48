//! Pages of a listing and the stream of their items.

use super::call::{Call, Run};
use crate::cursor::{Cursor, CursorGuard, Listing};
use crate::error::Error;
use crate::ops::files::ListFiles;
use crate::ops::folders::ListFolders;
use crate::ops::trash::ListTrash;
use crate::shared::{BoxFuture, MaybeSend};
use futures_core::Stream;
use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

/// One page of a listing.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Where the next page starts (pass it to the listing's `next`); `None` on the last page.
    pub next: Option<Cursor>,
}

impl<T> Page<T> {
    pub(crate) fn new(items: Vec<T>, token: Option<String>, listing: Option<Listing>) -> Page<T> {
        Page {
            items,
            next: token.zip(listing).map(|(t, l)| Cursor::new(l, t)),
        }
    }
}

/// A listing that pages: its next page starts at a cursor.
pub trait Paged: Run<Output = Page<Self::Item>> + Clone + MaybeSend {
    /// What the listing lists.
    type Item: MaybeSend;
    /// Continues at `cursor`, alone: it carries the listing and its options.
    fn continue_at(&mut self, cursor: Cursor);
}

macro_rules! paged {
    ($($op:ty => $item:ty),*) => {$(
        impl Paged for $op {
            type Item = $item;
            fn continue_at(&mut self, cursor: Cursor) {
                *self = Self { next: Some(cursor), ..Self::default() };
            }
        }
    )*};
}
paged!(ListFiles => crate::models::LibraryFile, ListFolders => crate::models::Folder, ListTrash => crate::models::LibraryFile);

type Fetching<'c, O> = BoxFuture<'c, (Call<'c, O>, Result<Page<<O as Paged>::Item>, Error>)>;

/// Every item of a listing, a page at a time: a [`Stream`]. It never fetches a page twice, and
/// it ends with a `Decode` error, after the items already fetched, if the server repeats a
/// cursor.
#[must_use = "streams do nothing unless polled"]
pub struct Items<'c, O: Paged> {
    call: Option<Call<'c, O>>,
    fetching: Option<Fetching<'c, O>>,
    buffer: VecDeque<O::Item>,
    guard: CursorGuard,
    pending: Option<Error>,
}

impl<'c, O: Paged + 'c> Call<'c, O> {
    /// Every item of the listing, page after page.
    ///
    /// ```no_run
    /// # async fn example(client: ctct_mylibrary::Client) -> Result<(), ctct_mylibrary::Error> {
    /// use futures_util::TryStreamExt;
    /// let all: Vec<_> = client.files().list().folder("-1").stream().try_collect().await?;
    /// // or one at a time
    /// let mut folders = client.folders().list().stream();
    /// while let Some(folder) = folders.try_next().await? {
    ///     println!("{}", folder.name);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn stream(self) -> Items<'c, O> {
        Items {
            call: Some(self),
            fetching: None,
            buffer: VecDeque::new(),
            guard: CursorGuard::new(),
            pending: None,
        }
    }
}

impl<'c, O: Paged + 'c> Stream for Items<'c, O>
where
    O::Item: Unpin,
{
    type Item = Result<O::Item, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if let Some(e) = this.pending.take() {
                return Poll::Ready(Some(Err(e)));
            }
            if this.fetching.is_none() {
                let Some(call) = this.call.take() else {
                    return Poll::Ready(None);
                };
                let page = O::run(call.clone());
                this.fetching = Some(Box::pin(async move { (call, page.await) }));
            }
            let Some(fetching) = this.fetching.as_mut() else {
                return Poll::Ready(None);
            };
            let (mut call, page) = match fetching.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(done) => done,
            };
            this.fetching = None;
            match page {
                Err(e) => {
                    this.guard.stop();
                    return Poll::Ready(Some(Err(e)));
                }
                Ok(page) => {
                    this.buffer.extend(page.items);
                    let token = page.next.as_ref().map(|c| c.token().to_string());
                    match this.guard.advance(token.as_deref()) {
                        Ok(true) => {
                            if let Some(c) = page.next {
                                call.params.continue_at(c);
                                this.call = Some(call);
                            }
                        }
                        Ok(false) => {}
                        Err(e) => this.pending = Some(e),
                    }
                }
            }
        }
    }
}

impl<'c, O: Paged> Unpin for Items<'c, O> {}
