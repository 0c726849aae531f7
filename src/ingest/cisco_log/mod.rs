//! Cisco IOS and ASA output as users paste it: `debug crypto isakmp` (classic `ISAKMP (0:1):`
//! and modern `ISAKMP:(1004):` formats), `%CRYPTO-`/`%ASA-` syslog lines, and the show
//! commands that tell the state (`show crypto isakmp sa`, `show crypto ipsec sa`), in any mix,
//! with or without prompts and timestamps. Every recognised line becomes an [`Event`].

mod debug;
mod ikev2;
mod keywords;
mod rebuild;
mod show;

use crate::evidence::Event;
use crate::model::Loc;
use std::net::IpAddr;
use std::sync::Arc;

/// What one file of device output says.
#[derive(Debug, Default)]
pub struct Output {
    /// The host name seen in a prompt (`Tokyo#show crypto isakmp sa`).
    pub host: Option<String>,
    pub events: Vec<Event>,
    /// Lines that looked like IPsec output but matched no pattern (kept for --verbose).
    pub unrecognised: Vec<Loc>,
    /// Repeated events beyond [`KEEP_PER_KIND`] that were counted, not kept.
    pub dropped: u64,
    /// What the configuration-describing show commands say, as a (partial) device model.
    pub model: Option<crate::model::Device>,
}

/// True when the text holds IPsec debug, syslog or show output of a Cisco device.
pub fn looks_like(text: &str) -> bool {
    text.lines().take(5000).any(|l| {
        l.contains("ISAKMP (")
            || l.contains("ISAKMP:")
            || l.contains("%CRYPTO-")
            || l.contains("%ASA-")
            || l.contains("[IKEv1]")
            || l.contains("IKEv2:")
            || l.contains("IKEv2-")
            || l.contains("%IKEV2-")
            || l.contains("IKE Peer:")
            || l.contains("#pkts encaps")
            || l.contains("Crypto map tag:")
            || l.contains("#show crypto")
            || l.contains("#show ip ")
            || l.contains("#show clock")
            || l.starts_with("Protection suite of priority")
            || l.starts_with("Hostname/Address")
            || l.starts_with("Transform set ")
            || l.starts_with("Crypto Map ")
            || l.starts_with("Gateway of last resort")
            || l.starts_with("Crypto session current status")
            || l.contains("Crypto IKEv2 SA")
            || l.starts_with("Tunnel-id Local")
            || l.contains("Crypto ISAKMP SA")
            || (l.contains("IKE Peer") && l.contains("State"))
            || (l.contains("dst") && l.contains("conn-id"))
    })
}

/// `Tokyo#show ...` → "Tokyo".
fn prompt_host(l: &str) -> Option<&str> {
    let at = memchr::memchr(b'#', l.as_bytes())?;
    let (host, rest) = (&l[..at], &l[at + 1..]);
    let host = host.split('(').next()?;
    let ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && (rest.trim().is_empty()
            || rest.trim_start().starts_with("sh")
            || rest.trim_start().starts_with("debug")
            || rest.trim_start().starts_with("term"));
    ok.then_some(host)
}

/// `HH:MM:SS(.fff)` anywhere in the prefix → seconds since midnight (or since boot).
pub fn time_of(prefix: &str) -> Option<f64> {
    for w in prefix.split_whitespace() {
        let w = w.trim_start_matches(['*', '.']).trim_end_matches(':');
        let mut parts = w.split(':');
        let (h, m, s) = (parts.next()?, parts.next(), parts.next());
        if let (Ok(h), Some(Ok(m)), Some(s)) = (h.parse::<f64>(), m.map(str::parse::<f64>), s)
            && let Ok(s) = s.parse::<f64>()
        {
            return Some(h * 3600.0 + m * 60.0 + s);
        }
    }
    None
}

/// The first IPv4 address that follows one of the words (`to`, `from`, `with`, `peer`...).
pub fn addr_after(text: &str, words: &[&str]) -> Option<IpAddr> {
    // Most debug lines name no address: three dots are the cheapest proof of none.
    memchr::memchr_iter(b'.', text.as_bytes()).nth(2)?;
    let mut prev = "";
    for w in text.split_ascii_whitespace() {
        // An address starts with a digit: other words need no look at the one before.
        if w.as_bytes()[0].is_ascii_digit()
            && words.contains(&prev)
            && let Some(a) = w
                .trim_end_matches(['!', ',', '.', ':', ')'])
                .split(['/', ':'])
                .next()
                .and_then(|a| a.parse().ok())
        {
            return Some(a);
        }
        prev = w;
    }
    None
}

pub fn parse(path: &str, text: &str) -> Output {
    parse_reader(path, text.as_bytes())
}

/// How many events of one kind about one peer are kept: a log that repeats a failure
/// thousands of times proves it with its first lines, and memory stays bounded whatever the
/// file size. `Output::dropped` counts the rest.
pub const KEEP_PER_KIND: usize = 64;

/// The most events one file contributes, whatever the number of peers in it.
pub const KEEP_PER_FILE: usize = 100_000;

/// What the budget counts an event by: its kind and its peer.
type Key = (
    std::mem::Discriminant<crate::evidence::EventKind>,
    Option<IpAddr>,
);

fn key(e: &Event) -> Key {
    (std::mem::discriminant(&e.kind), e.peer)
}

/// What the stateless pass learns of one block (it runs on blocks in parallel): the lines the
/// ordered pass must read. A line not listed is a debug line with no event, no prompt and no
/// "IKEv2": nothing to the ordered pass unless an IKEv2 packet is being followed.
#[derive(Default)]
struct Pres {
    lines: Vec<Pre>,
    /// The budget keys of the events of [`Debug::Keys`] lines.
    keys: Vec<Key>,
    /// Room for the lines' spans and keywords, reused from block to block.
    spans: Vec<(usize, usize, usize)>,
    scanned: Vec<keywords::Keys>,
}

/// One listed line.
struct Pre {
    /// Index of the line in its block, and its bytes (line end included).
    idx: u32,
    start: u32,
    end: u32,
    prompt: bool,
    v2: bool,
    /// Looks like IPsec output (kept as unrecognised when nothing takes it).
    ipsec: bool,
    debug: Debug,
}

/// What the stateless pass found of a line's debug/syslog events.
enum Debug {
    /// Not debug or syslog output.
    No,
    /// Debug output whose events have these keys (`Pres::keys[from..to]`): the events are
    /// built again, with their line, only when the budget keeps one (most repeats are dropped
    /// unbuilt).
    Keys(u32, u32),
    /// The events of an IKEv2 line, which the ordered pass always reads.
    Events(Vec<Event>),
}

/// `blank`: where pass-one events point (they are built again with their line when kept).
/// `k`: the line's keywords when the block's scan found them.
fn pre_line(
    blank: &Loc,
    line: &str,
    k: Option<keywords::Keys>,
    idx: u32,
    span: (usize, usize),
    out: &mut Pres,
) {
    let (start, end) = (span.0 as u32, span.1 as u32);
    if prompt_host(line).is_some() {
        out.lines.push(Pre {
            idx,
            start,
            end,
            prompt: true,
            v2: false,
            ipsec: false,
            debug: Debug::No,
        });
        return;
    }
    let loc = || blank.clone();
    let k = k.unwrap_or_else(|| keywords::scan(line));
    let v2 = k.has(keywords::K::IKEV2);
    let ipsec = k.has(keywords::K::ISAKMP) || k.has(keywords::K::CRYPTO_SYSLOG);
    let debug = if v2 {
        match debug::line(line, k, &loc) {
            None => Debug::No,
            Some(ev) => Debug::Events(ev),
        }
    } else {
        let from = out.keys.len() as u32;
        if !debug::keys(line, k, &loc, &mut out.keys) {
            Debug::No
        } else if out.keys.len() as u32 == from {
            return;
        } else {
            Debug::Keys(from, out.keys.len() as u32)
        }
    };
    out.lines.push(Pre {
        idx,
        start,
        end,
        prompt: false,
        v2,
        ipsec,
        debug,
    });
}

/// The stateful pass, line by line in file order: prompts, show commands, IKEv2 packet
/// continuations, and the event budget.
struct Seq {
    file: Arc<str>,
    out: Output,
    show: show::State,
    v2: ikev2::Follow,
    rebuild: rebuild::Rebuild,
    kept: Kept,
    fresh: Vec<Event>,
}

impl Seq {
    fn new(path: &str) -> Self {
        Seq {
            file: Arc::from(path),
            out: Output::default(),
            show: show::State::default(),
            v2: ikev2::Follow::default(),
            rebuild: rebuild::Rebuild::default(),
            kept: Kept::default(),
            fresh: Vec::new(),
        }
    }

    /// One listed line in file order; its text is decoded only when something here reads it
    /// (a debug line whose events are all over budget is only counted).
    fn line(&mut self, no: u32, raw: &[u8], pre: Pre, keys: &[Key]) {
        let (events, again) = match pre.debug {
            Debug::No => (None, false),
            Debug::Events(ev) => (Some(ev), false),
            Debug::Keys(from, to) => {
                let keys = &keys[from as usize..to as usize];
                // Nothing else reads a debug line while no IKEv2 packet is followed: a line
                // whose events are all over budget changes nothing but the count (the budget
                // only grows fuller within a line).
                if !pre.v2 && self.v2.idle() && keys.iter().all(|k| self.over_budget(k)) {
                    self.out.dropped += keys.len() as u64;
                    return;
                }
                (None, true)
            }
        };
        let text = text_of(raw);
        let line = text.trim_end();
        let file = &self.file;
        let loc = || Loc::line(file, no, line);
        // Built again, now with their line: the stateless parse gives the same events.
        let events = match again {
            true => debug::line(line, keywords::scan(line), &loc).or_else(|| Some(Vec::new())),
            false => events,
        };
        if pre.prompt {
            if let Some(h) = prompt_host(line) {
                self.out.host.get_or_insert_with(|| h.to_string());
            }
            let cmd = line.split_once('#').map(|x| x.1).unwrap_or("");
            self.show.command(cmd, &mut self.fresh);
            self.rebuild.command();
        } else {
            if let Some(ev) = events {
                for mut e in ev {
                    // A repeat about a known peer beyond the budget is counted, never kept.
                    if e.peer.is_some() && self.over_budget(&key(&e)) {
                        self.out.dropped += 1;
                        continue;
                    }
                    e.at = loc();
                    self.fresh.push(e);
                }
            } else if self.rebuild.line(no, line, &loc) {
            } else {
                match self.show.line(line, &loc, &mut self.fresh) {
                    show::Took::Yes => {}
                    show::Took::No if pre.ipsec => {
                        if self.out.unrecognised.len() < KEEP_PER_KIND {
                            self.out.unrecognised.push(loc())
                        }
                    }
                    show::Took::No => {}
                }
            }
            self.v2.line(line, pre.v2, &loc, &mut self.fresh);
        }
        keep(&mut self.out, &mut self.kept, &mut self.fresh);
    }

    /// An unlisted line (debug output with no event, no "IKEv2"): only an IKEv2 packet being
    /// followed reads it. False once none is.
    fn quiet(&mut self, no: u32, raw: &[u8]) -> bool {
        if self.v2.idle() {
            return false;
        }
        let text = text_of(raw);
        let line = text.trim_end();
        let file = &self.file;
        let loc = || Loc::line(file, no, line);
        self.v2.line(line, false, &loc, &mut self.fresh);
        keep(&mut self.out, &mut self.kept, &mut self.fresh);
        true
    }

    fn over_budget(&self, k: &Key) -> bool {
        self.out.events.len() >= KEEP_PER_FILE
            || self.kept.get(k).is_some_and(|n| *n >= KEEP_PER_KIND)
    }

    /// One block of whole lines, with what pass one learnt of it.
    fn block(&mut self, first: u32, block: &[u8], pres: &mut Pres) {
        // The next line not yet read: its index in the block and where it starts.
        let (mut idx, mut at) = (0u32, 0usize);
        for pre in pres.lines.drain(..) {
            if !self.v2.idle() {
                for (start, end) in spans(&block[at..pre.start as usize]) {
                    if !self.quiet(first.saturating_add(idx), &block[at + start..at + end]) {
                        break;
                    }
                    idx += 1;
                }
            }
            let (no, start, end) = (first.saturating_add(pre.idx), pre.start, pre.end);
            (idx, at) = (pre.idx + 1, end as usize);
            self.line(no, &block[start as usize..end as usize], pre, &pres.keys);
        }
        if !self.v2.idle() {
            for (start, end) in spans(&block[at..]) {
                if !self.quiet(first.saturating_add(idx), &block[at + start..at + end]) {
                    break;
                }
                idx += 1;
            }
        }
    }

    fn finish(mut self, path: &str) -> Output {
        self.v2.finish(&mut self.fresh);
        self.show.finish(&mut self.fresh);
        keep(&mut self.out, &mut self.kept, &mut self.fresh);
        let mut out = self.out;
        out.dropped += self.rebuild.dropped;
        let (stmts, known, clock, certificates) = self.rebuild.finish();
        if !stmts.is_empty() || clock.is_some() || !certificates.is_empty() {
            let mut d = crate::ingest::cisco_ios::parse_statements(path, &stmts, known);
            d.clock = clock;
            d.certificates = certificates;
            out.model = Some(d);
        }
        for e in &mut out.events {
            e.device = out.host.clone();
        }
        out
    }
}

/// Where the lines of a block start and end (line end included), as `read_until(b'\n')`
/// would cut them.
fn spans(block: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut at = 0;
    let mut ends = memchr::memchr_iter(b'\n', block);
    std::iter::from_fn(move || {
        let start = at;
        let end = match ends.next() {
            Some(nl) => nl + 1,
            None if start < block.len() => block.len(),
            None => return None,
        };
        at = end;
        Some((start, end))
    })
}

/// Valid UTF-8 (nearly every line) is borrowed as is; only a bad byte costs a copy.
fn text_of(raw: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(raw) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(raw),
    }
}

/// Fills `out` (emptied first: its room is reused from block to block).
fn pre_block(blank: &Loc, block: &[u8], out: &mut Pres) {
    out.lines.clear();
    out.keys.clear();
    // One check of the whole block (lines end at ASCII '\n', so each is valid too).
    let Ok(whole) = std::str::from_utf8(block) else {
        for (idx, (start, end)) in spans(block).enumerate() {
            let text = text_of(&block[start..end]);
            pre_line(blank, text.trim_end(), None, idx as u32, (start, end), out);
        }
        return;
    };
    // One keyword search for the whole block.
    let mut lines = std::mem::take(&mut out.spans);
    let mut keys = std::mem::take(&mut out.scanned);
    lines.clear();
    keys.clear();
    lines.extend(
        spans(block).map(|(start, end)| (start, end, start + whole[start..end].trim_end().len())),
    );
    keywords::scan_lines(whole, &lines, &mut keys);
    for (idx, (&(start, end, trimmed), k)) in lines.iter().zip(&keys).enumerate() {
        pre_line(
            blank,
            &whole[start..trimmed],
            Some(*k),
            idx as u32,
            (start, end),
            out,
        );
    }
    (out.spans, out.scanned) = (lines, keys);
}

/// Lines are read in blocks of about this size; a large file's blocks go through the
/// stateless pass on every core while the stateful pass follows in order.
const BLOCK: usize = 1 << 20;

/// Cuts the input into blocks of whole lines.
struct Blocks<R> {
    reader: R,
    size: usize,
    /// The start of a line the previous block could not hold whole.
    carry: Vec<u8>,
    eof: bool,
    /// The block just returned ends inside a line cut at [`MAX_LINE`].
    mid_line: bool,
}

/// The longest line read whole; memory stays bounded even for a file without line ends.
const MAX_LINE: usize = 16 << 20;

impl<R: std::io::Read> Blocks<R> {
    /// The next block (reusing `buf`) and how many lines it holds; None at the end.
    fn next(&mut self, mut buf: Vec<u8>) -> Option<(Vec<u8>, u32)> {
        buf.clear();
        buf.append(&mut self.carry);
        let mut goal = self.size;
        loop {
            if !self.eof && buf.len() < goal {
                // Reads up to the goal without zeroing the buffer first; short only at the end
                // (or at an error, which ends the input as before, keeping what was read).
                let want = goal - buf.len();
                buf.reserve(want.min(MAX_LINE));
                let mut part = std::io::Read::take(&mut self.reader, want as u64);
                match std::io::Read::read_to_end(&mut part, &mut buf) {
                    Ok(n) if n == want => {}
                    _ => self.eof = true,
                }
            }
            if self.eof {
                break;
            }
            if let Some(end) = memchr::memrchr(b'\n', &buf) {
                self.carry.extend_from_slice(&buf[end + 1..]);
                buf.truncate(end + 1);
                break;
            }
            // A line longer than a block: the block grows until it holds it whole, up to a
            // bound; a longer "line" (binary junk) is cut, and its next piece keeps its number.
            if buf.len() >= MAX_LINE {
                self.mid_line = true;
                break;
            }
            goal = buf.len().saturating_add(self.size);
        }
        if buf.is_empty() {
            return None;
        }
        let mut n = memchr::memchr_iter(b'\n', &buf).count() as u32;
        if buf.last() != Some(&b'\n') && !std::mem::take(&mut self.mid_line) {
            n += 1;
        }
        Some((buf, n))
    }
}

/// Reads device output line by line from any reader (a file of any size, or text).
/// Memory stays bounded: a few blocks are in flight at a time, events are budgeted.
pub fn parse_reader(path: &str, reader: impl std::io::BufRead + Send) -> Output {
    parse_blocks(path, reader, BLOCK)
}

/// Reads `bytes` in blocks of `size` bytes on every core, as a large file is read: for fuzzing
/// and tests, which cut small inputs into many blocks.
pub fn parse_in_blocks(path: &str, bytes: &[u8], size: usize) -> Output {
    parse_blocks(path, bytes, size.max(1))
}

/// [`parse_reader`] with blocks of `size` bytes.
fn parse_blocks(path: &str, reader: impl std::io::Read + Send, size: usize) -> Output {
    let mut seq = Seq::new(path);
    let mut blocks = Blocks {
        reader,
        size,
        carry: Vec::new(),
        eof: false,
        mid_line: false,
    };
    let Some((first, n)) = blocks.next(Vec::new()) else {
        return seq.finish(path);
    };
    if blocks.eof && blocks.carry.is_empty() {
        // Small input: one block, no threads.
        let mut pres = Pres::default();
        pre_block(&Loc::implied(&seq.file, ""), &first, &mut pres);
        seq.block(1, &first, &mut pres);
        return seq.finish(path);
    }
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    type Work = (usize, u32, Vec<u8>, Pres);
    type Done = (usize, u32, Vec<u8>, Pres);
    let in_flight = workers * 2;
    let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<Work>(in_flight);
    let work_rx = std::sync::Mutex::new(work_rx);
    let (done_tx, done_rx) = std::sync::mpsc::sync_channel::<Done>(in_flight);
    // Blocks go back to the reader once read: the same few buffers serve the whole file (a
    // fresh one costs its pages' zeroing by the kernel).
    let buffers = in_flight * 2 + 2;
    let (spare_tx, spare_rx) = std::sync::mpsc::sync_channel::<(Vec<u8>, Pres)>(buffers);
    std::thread::scope(|s| {
        s.spawn(move || {
            let mut no = 1u32;
            let mut next = Some((first, n));
            let mut idx = 0usize;
            let mut made = 1;
            let mut pres = Pres::default();
            while let Some((block, n)) = next {
                if work_tx.send((idx, no, block, pres)).is_err() {
                    return;
                }
                no = no.saturating_add(n);
                idx += 1;
                let buf;
                (buf, pres) = match spare_rx.try_recv() {
                    Ok(spare) => spare,
                    Err(_) if made < buffers => {
                        made += 1;
                        Default::default()
                    }
                    // All made: wait for one to come back.
                    Err(_) => match spare_rx.recv() {
                        Ok(spare) => spare,
                        Err(_) => return,
                    },
                };
                next = blocks.next(buf);
            }
        });
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let work_rx = &work_rx;
            s.spawn(move || {
                // Each worker its own, made by its thread: no shared reference count (nor
                // cache line) to contend on.
                let blank = Loc::implied(&Arc::from(path), "");
                loop {
                    let job = match work_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((idx, no, block, mut pres)) = job else {
                        return;
                    };
                    pre_block(&blank, &block, &mut pres);
                    if done_tx.send((idx, no, block, pres)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        // Blocks finish out of order; the stateful pass takes them in order.
        let mut waiting = std::collections::BTreeMap::new();
        let mut want = 0usize;
        for (idx, no, block, pres) in done_rx.iter() {
            waiting.insert(idx, (no, block, pres));
            while let Some((no, block, mut pres)) = waiting.remove(&want) {
                seq.block(no, &block, &mut pres);
                let _ = spare_tx.try_send((block, pres));
                want += 1;
            }
        }
    });
    seq.finish(path)
}

/// How many events of each kind about each peer were kept so far.
type Kept = rustc_hash::FxHashMap<Key, usize>;

fn keep(out: &mut Output, kept: &mut Kept, fresh: &mut Vec<Event>) {
    for e in fresh.drain(..) {
        // Once the file's budget is spent nothing new is tracked: memory stays bounded.
        if out.events.len() >= KEEP_PER_FILE {
            out.dropped += 1;
            continue;
        }
        let n = kept.entry(key(&e)).or_default();
        if *n < KEEP_PER_KIND {
            *n += 1;
            out.events.push(e);
        } else {
            out.dropped += 1;
        }
    }
}

#[cfg(test)]
mod tests;
