//! Evidence in: read files and folders, detect what each one is from its content, and hand
//! it to the parser for its kind. Every parser returns the shared model.

pub mod cisco_ios;
pub mod cisco_log;
pub mod libreswan;
pub mod pcap;
pub mod strongswan;

use crate::evidence::Event;
use crate::model::Device;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {reason}")]
    Unreadable {
        path: String,
        line: usize,
        reason: String,
    },
    #[error("{0}: no such file or directory")]
    Missing(String),
}

/// One input file, with the peer name the user forced with `NAME=PATH`, if any.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: String,
    pub peer: Option<String>,
    /// The whole text, or for a large file only its head (enough to detect its kind).
    pub text: String,
    /// Set for large files: the parser reads them from here, line by line.
    pub stream: Option<PathBuf>,
}

/// Files above this size are streamed instead of read into memory.
pub const STREAM_ABOVE: u64 = 16 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    CiscoIosConfig,
    CiscoOutput,
    Capture,
    LibreswanLog,
    /// libreswan/Openswan ipsec.conf (its ipsec.secrets reads as strongSwan's).
    LibreswanConfig,
    /// swanctl.conf, ipsec.conf or ipsec.secrets.
    StrongswanConfig,
    /// charon's log, `swanctl --list-sas`, `ipsec statusall`.
    StrongswanOutput,
    Unrecognised,
}

/// A file of device output (logs, show commands) and whose it is.
#[derive(Debug)]
pub struct OutputFile {
    pub path: String,
    pub device: Option<String>,
    /// Events read, including repeats that were counted but not kept.
    pub events: u64,
    pub unrecognised: Vec<crate::model::Loc>,
    /// A packet capture rather than device text output.
    pub capture: bool,
}

/// What was read: devices (one per peer), evidence events, and the inputs we could not use.
#[derive(Debug, Default)]
pub struct Case {
    pub devices: Vec<Device>,
    pub events: Vec<Event>,
    pub outputs: Vec<OutputFile>,
    pub unrecognised: Vec<String>,
}

pub fn detect(text: &str) -> Kind {
    if cisco_ios::looks_like(text) {
        Kind::CiscoIosConfig
    } else if libreswan::looks_like(text) {
        // Before Cisco output: pluto's `"conn" #1:` lines are unmistakable, while its debug
        // lines mention ISAKMP as Cisco's do.
        Kind::LibreswanLog
    } else if libreswan::looks_like_config(text) {
        Kind::LibreswanConfig
    } else if let Some(f) = strongswan::flavor(text) {
        // Before Cisco output: charon writes `IKEv2` and `IKE_SA` as Cisco debug does.
        match f {
            strongswan::Flavor::Output => Kind::StrongswanOutput,
            _ => Kind::StrongswanConfig,
        }
    } else if cisco_log::looks_like(text) {
        Kind::CiscoOutput
    } else {
        Kind::Unrecognised
    }
}

/// Splits `NAME=PATH`; a plain path (even one containing '=') is taken as is when it exists.
pub fn split_arg(arg: &str) -> (Option<String>, String) {
    if Path::new(arg).exists() {
        return (None, arg.to_string());
    }
    match arg.split_once('=') {
        Some((name, path)) if !name.is_empty() && !name.contains('/') => {
            (Some(name.to_string()), path.to_string())
        }
        _ => (None, arg.to_string()),
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), IngestError> {
    let io = |e| IngestError::Io {
        path: dir.display().to_string(),
        source: e,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if p.is_dir() {
            walk(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

/// The first 256 KiB, cut at a line end: enough to tell what a large file is.
fn read_head(path: &Path) -> Result<String, IngestError> {
    use std::io::Read;
    let io = |e| IngestError::Io {
        path: path.display().to_string(),
        source: e,
    };
    let mut buf = vec![0u8; 256 << 10];
    let mut f = std::fs::File::open(path).map_err(io)?;
    let n = f.read(&mut buf).map_err(io)?;
    buf.truncate(n);
    if let Some(end) = buf.iter().rposition(|b| *b == b'\n') {
        buf.truncate(end + 1);
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

fn read_text(path: &Path) -> Result<String, IngestError> {
    let bytes = std::fs::read(path).map_err(|e| IngestError::Io {
        path: path.display().to_string(),
        source: e,
    })?;
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            // Mostly-text files with a stray Latin-1 byte are common in pasted logs.
            let bytes = e.into_bytes();
            let nul = bytes.contains(&0);
            if nul {
                return Err(IngestError::Unreadable {
                    path: path.display().to_string(),
                    line,
                    reason: "binary content that is not a known capture format".into(),
                });
            }
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        }
    }
}

/// Expands the command-line arguments into inputs, reading folders recursively.
pub fn load(args: &[String]) -> Result<Vec<Input>, IngestError> {
    let mut inputs = Vec::new();
    for arg in args {
        let (peer, path) = split_arg(arg);
        let p = Path::new(&path);
        if !p.exists() {
            return Err(IngestError::Missing(path));
        }
        let mut files = Vec::new();
        if p.is_dir() {
            walk(p, &mut files)?;
        } else {
            files.push(p.to_path_buf());
        }
        for f in files {
            let size = std::fs::metadata(&f).map(|m| m.len()).unwrap_or(0);
            // Captures are binary and always streamed: only their first bytes are read here.
            let (text, stream) = if is_capture(&f) {
                (String::new(), Some(f.clone()))
            } else if size > STREAM_ABOVE {
                (read_head(&f)?, Some(f.clone()))
            } else {
                (read_text(&f)?, None)
            };
            inputs.push(Input {
                path: f.display().to_string(),
                peer: peer.clone(),
                text,
                stream,
            });
        }
    }
    Ok(inputs)
}

/// A pcap or pcapng file, told by its first bytes.
pub fn is_capture(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && pcap::looks_like(&head)
}

/// Something that watches large files being read (the binary shows a progress bar).
pub trait Progress {
    /// Wraps the reader of a streamed file of `size` bytes.
    fn watch(&self, path: &str, size: u64, r: std::fs::File) -> Box<dyn std::io::Read + Send>;
}

struct Quiet;

impl Progress for Quiet {
    fn watch(&self, _: &str, _: u64, r: std::fs::File) -> Box<dyn std::io::Read + Send> {
        Box::new(r)
    }
}

fn open_watched(
    p: &Path,
    path: &str,
    progress: &dyn Progress,
) -> std::io::Result<Box<dyn std::io::Read + Send>> {
    let f = std::fs::File::open(p)?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    Ok(progress.watch(path, size, f))
}

/// Parses every input by its detected kind and merges what belongs to the same peer.
pub fn parse(inputs: &[Input]) -> Case {
    parse_with(inputs, &Quiet)
}

/// [`parse`], reporting the reading of streamed files to `progress`.
pub fn parse_with(inputs: &[Input], progress: &dyn Progress) -> Case {
    let mut case = Case::default();
    // strongSwan files are read last and together: one host's configuration may span
    // several files, and a log is named after the configuration that owns its address.
    let mut swan = Vec::new();
    let mut lsw = Vec::new();
    let mut empty_secrets = Vec::new();
    for (i, inp) in inputs.iter().enumerate() {
        let kind = match &inp.stream {
            Some(p) if inp.text.is_empty() && is_capture(p) => Kind::Capture,
            _ => detect(&inp.text),
        };
        match kind {
            Kind::Capture => capture(&mut case, inp, progress),
            Kind::LibreswanLog => pluto(&mut case, inp),
            Kind::LibreswanConfig => lsw.push(i),
            Kind::StrongswanConfig | Kind::StrongswanOutput => swan.push(i),
            Kind::CiscoIosConfig => {
                let mut d = cisco_ios::parse(&inp.path, &inp.text);
                if let Some(name) = &inp.peer {
                    d.name = name.clone();
                }
                merge(&mut case.devices, d);
            }
            Kind::CiscoOutput => {
                let mut o = match inp.stream.as_ref().map(std::fs::File::open) {
                    Some(Ok(_)) => match inp
                        .stream
                        .as_deref()
                        .map(|p| open_watched(p, &inp.path, progress))
                    {
                        Some(Ok(r)) => {
                            cisco_log::parse_reader(&inp.path, std::io::BufReader::new(r))
                        }
                        _ => cisco_log::parse(&inp.path, &inp.text),
                    },
                    _ => cisco_log::parse(&inp.path, &inp.text),
                };
                let name = inp
                    .peer
                    .clone()
                    .or(o.host.clone())
                    .unwrap_or_else(|| cisco_ios::file_stem(&inp.path));
                let platform = if inp.text.contains("%ASA-") || inp.text.contains("IKE Peer:") {
                    crate::model::Platform::CiscoAsa
                } else {
                    crate::model::Platform::CiscoIos
                };
                // Show commands that describe configuration give a partial model; logs alone
                // give an empty one, so the peer still exists for the engine.
                let mut dev = o.model.take().unwrap_or_else(|| {
                    let mut d = Device::new(&name, platform);
                    d.source_files.push(inp.path.clone());
                    d
                });
                dev.name = name.clone();
                dev.platform = platform;
                merge(&mut case.devices, dev);
                let name = Some(name);
                for e in &mut o.events {
                    e.device = name.clone();
                }
                case.outputs.push(OutputFile {
                    path: inp.path.clone(),
                    device: name,
                    events: o.events.len() as u64 + o.dropped,
                    unrecognised: o.unrecognised,
                    capture: false,
                });
                case.events.extend(o.events);
            }
            Kind::Unrecognised => {
                // An ipsec.secrets with no entry left (all commented out) still says
                // its host has no keys.
                if inp.path.ends_with(".secrets") {
                    empty_secrets.push(i);
                }
                case.unrecognised.push(inp.path.clone());
            }
        }
    }
    // Both write the same ipsec.secrets: a secrets file is libreswan's when its host's
    // ipsec.conf is.
    let (secrets, mut swan): (Vec<usize>, Vec<usize>) = swan.into_iter().partition(|&i| {
        inputs
            .get(i)
            .is_some_and(|inp| strongswan::flavor(&inp.text) == Some(strongswan::Flavor::Secrets))
    });
    let offered: Vec<usize> = secrets.iter().chain(&empty_secrets).copied().collect();
    let left = libreswan::attach(&mut case, inputs, &lsw, offered);
    for &i in &empty_secrets {
        if !left.contains(&i)
            && let Some(inp) = inputs.get(i)
        {
            case.unrecognised.retain(|u| *u != inp.path);
        }
    }
    swan.extend(left.into_iter().filter(|i| !empty_secrets.contains(i)));
    swan.sort_unstable();
    strongswan::attach(&mut case, inputs, &swan, progress);
    case
}

/// pluto output belongs to the host of its prompt, `NAME=PATH`, or the file name's first part
/// (`west.console.txt` → west).
fn pluto(case: &mut Case, inp: &Input) {
    let (events, host) = libreswan::parse(&inp.path, &inp.text);
    let name = inp
        .peer
        .clone()
        .or(host)
        .unwrap_or_else(|| strongswan::name_from_path(&inp.path));
    let counted = events.len() as u64;
    let out = OutputFile {
        path: inp.path.clone(),
        device: Some(name),
        events: counted,
        unrecognised: Vec::new(),
        capture: false,
    };
    add_output(case, out, crate::model::Platform::Libreswan, events);
}

/// A capture's events belong to the peer it was taken on (`NAME=PATH`, else the file name or,
/// for a generic one, its folder).
fn capture(case: &mut Case, inp: &Input, progress: &dyn Progress) {
    // `right/outside.pcap` is right's: generic file names defer to their folder.
    let name = inp
        .peer
        .clone()
        .unwrap_or_else(|| strongswan::name_from_path(&inp.path));
    let file: std::sync::Arc<str> = std::sync::Arc::from(inp.path.as_str());
    // No BufReader: the capture reader has its own buffer, and a second copy of every byte is
    // a fifth of the time on a large capture.
    let read = inp
        .stream
        .as_deref()
        .map(|p| open_watched(p, &inp.path, progress))
        .map(|f| f.map(|f| pcap::parse_reader(&inp.path, f)));
    let Some(Ok(Ok(c))) = read else {
        case.unrecognised.push(inp.path.clone());
        return;
    };
    // What was read before any damage is still evidence; the damage is noted where it is.
    let unrecognised = c
        .damage
        .iter()
        .map(|e| crate::model::Loc::frame(&file, c.frames, &format!("capture: {e}")))
        .collect();
    let out = OutputFile {
        path: inp.path.clone(),
        device: Some(name),
        events: c.events.len() as u64 + c.dropped,
        unrecognised,
        capture: true,
    };
    add_output(case, out, crate::model::Platform::Unknown, c.events);
}

/// Device output of one file: its events are the named device's, and that device exists in
/// the case (an empty one when no configuration describes it).
fn add_output(
    case: &mut Case,
    out: OutputFile,
    platform: crate::model::Platform,
    mut events: Vec<Event>,
) {
    let name = out.device.clone().unwrap_or_default();
    let mut stub = Device::new(&name, platform);
    stub.source_files.push(out.path.clone());
    merge(&mut case.devices, stub);
    for e in &mut events {
        e.device = Some(name.clone());
    }
    case.outputs.push(out);
    case.events.extend(events);
}

/// Two configs with the same host name describe one peer; later files add to earlier ones.
fn merge(devices: &mut Vec<Device>, d: Device) {
    match devices
        .iter_mut()
        .find(|x| x.name.eq_ignore_ascii_case(&d.name))
    {
        Some(x) => x.absorb(d),
        None => devices.push(d),
    }
}
