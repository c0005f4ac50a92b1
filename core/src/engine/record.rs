//! TLS record framing, for engines that must hand their library one record
//! at a time (to stop exactly at a `close_notify`, or to deliver the data
//! of every record before a faulty one).

/// The length of a TLS record header.
pub const HEADER_LEN: usize = 5;

/// Finds record boundaries in a byte stream that arrives in arbitrary
/// pieces. Keeps only the few bytes of a partial header between calls.
#[derive(Clone, Debug, Default)]
pub struct RecordBoundaries {
    header: [u8; HEADER_LEN],
    header_len: usize,
    /// Body bytes still to come for the record in progress.
    remaining: usize,
}

impl RecordBoundaries {
    /// A splitter at a record boundary.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Split off the front of `input` up to the end of the record in
    /// progress (or all of `input` when the record goes on beyond it).
    /// Returns the piece and whether it completes a record.
    pub fn next_piece<'a>(&mut self, input: &mut &'a [u8]) -> (&'a [u8], bool) {
        let data: &'a [u8] = input;
        let mut used = 0;
        // Complete the header first.
        while self.header_len < HEADER_LEN && used < data.len() {
            self.header[self.header_len] = data[used];
            self.header_len += 1;
            used += 1;
            if self.header_len == HEADER_LEN {
                self.remaining = usize::from(u16::from_be_bytes([self.header[3], self.header[4]]));
            }
        }
        let mut complete = false;
        if self.header_len == HEADER_LEN {
            let take = self.remaining.min(data.len() - used);
            used += take;
            self.remaining -= take;
            if self.remaining == 0 {
                complete = true;
                self.header_len = 0;
            }
        }
        let (piece, rest) = data.split_at(used);
        *input = rest;
        (piece, complete)
    }

    /// Whether the stream stands at a record boundary.
    #[must_use]
    pub fn at_boundary(&self) -> bool {
        self.header_len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(chunks: &[&[u8]]) -> Vec<(Vec<u8>, bool)> {
        let mut b = RecordBoundaries::new();
        let mut out = Vec::new();
        for chunk in chunks {
            let mut input = *chunk;
            while !input.is_empty() {
                let (piece, done) = b.next_piece(&mut input);
                out.push((piece.to_vec(), done));
            }
        }
        out
    }

    #[test]
    fn splits_at_record_ends() {
        let stream = [23, 3, 3, 0, 2, 9, 9, 21, 3, 3, 0, 1, 7];
        assert_eq!(pieces(&[&stream]), vec![(stream[..7].to_vec(), true), (stream[7..].to_vec(), true)]);
    }

    #[test]
    fn survives_one_byte_pieces() {
        let stream = [23u8, 3, 3, 0, 2, 9, 9, 22, 3, 3, 0, 0];
        let ones: Vec<&[u8]> = stream.chunks(1).collect();
        let done: Vec<bool> = pieces(&ones).into_iter().map(|(_, d)| d).collect();
        assert_eq!(done.iter().filter(|d| **d).count(), 2);
        assert!(done[6] && done[11]);
    }
}
