//! Share links: a scenario, its recorded actions and the moment someone was looking at, in a URL fragment.
//!
//! The fragment never reaches a server, so links work on any static host. Two forms:
//! - readable, for built-in scenarios: `#preset=consumer-lag` (optionally `&t=<virtual ms>`);
//! - encoded, for anything: `#s=1.<base64url>`, where `1` is the link format version. It comes first and is
//!   plain text so that every future kafkaviz can tell an old link from a newer one before reading any data.
//!
//! Either may carry display options after `&`: `embed=1`, `autoplay=0|1`, `caption=<percent-encoded text>`.
//!
//! Payload of format 1, after base64url: one codec byte (0 = raw, 1 = raw DEFLATE of the rest), then
//! `moment` (varint ms), the base scenario, the action count, every action's time delta (varint ms since the
//! previous action), then every action's command. Deltas and commands are stored as two columns rather than
//! interleaved because a person's actions repeat (stop broker 2, start broker 2, …) and DEFLATE finds columns of
//! repeats far better. The base is a built-in preset by code, a preset plus a JSON merge patch (RFC 7386), or the
//! whole scenario as JSON: whichever is shortest.
//!
//! Decoding is total: any text gives either a validated scenario or a `LinkError` saying what is wrong and where.
//! Sizes are checked before anything is allocated, and the result goes through `validate` (every limit), so no
//! link can freeze a tab.

use std::fmt;

use serde_json::{Map, Value};

use super::bytes::{ByteError, Reader, Writer, base64url_decode, base64url_encode};
use crate::engine::Millis;
use crate::engine::command::Command;
use crate::engine::group::GroupCommand;
use crate::engine::producer::ProducerCommand;
use crate::scenario::gallery::{Preset, preset_by_code, preset_by_id, presets};
use crate::scenario::{Scenario, ScenarioError, TimedCommand, ValidScenario, limits, validate};

/// The link format this kafkaviz writes, and the newest it reads (it reads every older one too).
pub const LINK_FORMAT: u32 = 1;
/// Longest fragment decoded at all (characters): far above any real link, far below what could hurt.
pub const MAX_FRAGMENT_CHARS: usize = 400_000;
/// Largest payload after decompression: a bound on what a small, hostile link can inflate to.
pub const MAX_PAYLOAD_BYTES: usize = 4 << 20;

const CODEC_RAW: u8 = 0;
const CODEC_DEFLATE: u8 = 1;
const BASE_PRESET: u8 = 0;
const BASE_PRESET_PATCH: u8 = 1;
const BASE_JSON: u8 = 2;

/// Display options a link may carry (the embed mode reads these).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ViewOptions {
    pub embed: bool,
    /// `None`: the page's default (embeds autoplay unless told not to).
    pub autoplay: Option<bool>,
    pub caption: Option<String>,
}

/// What a link opens.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedLink {
    pub scenario: ValidScenario,
    /// The virtual time to open at.
    pub moment_ms: Millis,
    /// The preset's id, when the link is a readable preset link.
    pub preset: Option<&'static str>,
    pub view: ViewOptions,
}

/// Why a link cannot be opened. Every variant says what was wrong and where.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkError {
    TooLong {
        chars: usize,
    },
    /// Made by a newer kafkaviz.
    FutureFormat {
        found: u32,
    },
    BadFormat {
        found: String,
    },
    UnknownPreset {
        name: String,
    },
    BadParameter {
        name: String,
        value: String,
        expected: &'static str,
    },
    Data(ByteError),
    BadCodec(u8),
    BadBase(u8),
    Inflate(String),
    Json {
        at: &'static str,
        message: String,
    },
    BadCommand {
        action: usize,
        problem: String,
    },
    TrailingData {
        bytes: usize,
    },
    Invalid(ScenarioError),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::TooLong { chars } => {
                write!(f, "the link is {chars} characters long; links longer than {MAX_FRAGMENT_CHARS} are not opened")
            }
            LinkError::FutureFormat { found } => write!(
                f,
                "this link was made by a newer kafkaviz (link format {found}; this version reads formats 1 to {LINK_FORMAT}): open it with the newer version"
            ),
            LinkError::BadFormat { found } => {
                write!(
                    f,
                    "the link's format marker \"s={found}\" should be a version number followed by a dot, like \"s=1.\""
                )
            }
            LinkError::UnknownPreset { name } => {
                let known: Vec<_> = presets().iter().map(|p| p.id).collect();
                write!(f, "there is no built-in scenario \"{name}\" (known: {})", known.join(", "))
            }
            LinkError::BadParameter { name, value, expected } => {
                write!(f, "link parameter {name}=\"{value}\" is not {expected}")
            }
            LinkError::Data(e) => write!(f, "the link's data is damaged: {e}"),
            LinkError::BadCodec(c) => write!(f, "the link's data is damaged: unknown encoding {c} at byte 0"),
            LinkError::BadBase(b) => write!(f, "the link's data is damaged: unknown scenario kind {b}"),
            LinkError::Inflate(why) => write!(f, "the link's data is damaged: it does not decompress ({why})"),
            LinkError::Json { at, message } => write!(f, "the link's {at} is damaged: {message}"),
            LinkError::BadCommand { action, problem } => write!(f, "action {action} in the link is damaged: {problem}"),
            LinkError::TrailingData { bytes } => {
                write!(f, "the link's data is damaged: {bytes} unexpected bytes after its end")
            }
            LinkError::Invalid(e) => write!(f, "the link's scenario is not valid: {e}"),
        }
    }
}

impl std::error::Error for LinkError {}

impl From<ByteError> for LinkError {
    fn from(e: ByteError) -> Self {
        LinkError::Data(e)
    }
}

// ---------------------------------------------------------------------------------------------- encoding

/// The encoded fragment (without `#`) for a scenario with its actions, opened at `moment_ms`.
pub fn encode(scenario: &Scenario, moment_ms: Millis) -> String {
    let body = encode_body(scenario, moment_ms);
    let deflated = miniz_oxide::deflate::compress_to_vec(&body, 10);
    let mut payload = Vec::with_capacity(body.len() + 1);
    if deflated.len() < body.len() {
        payload.push(CODEC_DEFLATE);
        payload.extend_from_slice(&deflated);
    } else {
        payload.push(CODEC_RAW);
        payload.extend_from_slice(&body);
    }
    format!("s={LINK_FORMAT}.{}", base64url_encode(&payload))
}

/// The readable fragment for a preset (`preset=<id>`, with `&t=` when not at the start).
pub fn preset_fragment(id: &str, moment_ms: Millis) -> String {
    if moment_ms == 0 { format!("preset={id}") } else { format!("preset={id}&t={moment_ms}") }
}

/// The shortest fragment that opens this scenario at this moment: the readable preset link when the scenario is
/// an untouched preset, the encoded link otherwise.
pub fn share_fragment(scenario: &Scenario, moment_ms: Millis) -> String {
    match presets().into_iter().find(|p| scenario.actions.is_empty() && p.scenario == *scenario) {
        Some(p) => preset_fragment(p.id, moment_ms),
        None => encode(scenario, moment_ms),
    }
}

fn encode_body(scenario: &Scenario, moment_ms: Millis) -> Vec<u8> {
    let mut w = Writer::default();
    w.u64(moment_ms);
    encode_base(&mut w, scenario);
    w.u64(scenario.actions.len() as u64);
    let mut previous: Millis = 0;
    for action in &scenario.actions {
        // Wrapping, so even an out-of-order (invalid) log round-trips exactly; validate judges it on the way in.
        w.u64(action.at_ms.wrapping_sub(previous));
        previous = action.at_ms;
    }
    for action in &scenario.actions {
        encode_command(&mut w, &action.command);
    }
    w.bytes
}

fn without_actions(scenario: &Scenario) -> Scenario {
    Scenario { actions: Vec::new(), ..scenario.clone() }
}

fn encode_base(w: &mut Writer, scenario: &Scenario) {
    let base = without_actions(scenario);
    let all = presets();
    if let Some(p) = all.iter().find(|p| p.scenario == base) {
        w.byte(BASE_PRESET);
        w.u64(p.code.into());
        return;
    }
    let target = serde_json::to_value(&base).expect("a scenario always serializes");
    let full = serde_json::to_vec(&target).expect("a value always serializes");
    let best_patch = all
        .iter()
        .map(|p| {
            let from = serde_json::to_value(&p.scenario).expect("a scenario always serializes");
            (p.code, serde_json::to_vec(&merge_patch(&from, &target)).expect("a value always serializes"))
        })
        .min_by_key(|(_, patch)| patch.len());
    match best_patch {
        Some((code, patch)) if patch.len() < full.len() => {
            w.byte(BASE_PRESET_PATCH);
            w.u64(code.into());
            w.blob(&patch);
        }
        _ => {
            w.byte(BASE_JSON);
            w.blob(&full);
        }
    }
}

/// RFC 7386 merge patch turning `from` into `to` (arrays are replaced whole). Scenarios never hold JSON nulls
/// (absent options are skipped), so a null in the patch always means "remove".
fn merge_patch(from: &Value, to: &Value) -> Value {
    match (from, to) {
        (Value::Object(a), Value::Object(b)) => {
            let mut patch = Map::new();
            for key in a.keys().filter(|k| !b.contains_key(*k)) {
                patch.insert(key.clone(), Value::Null);
            }
            for (key, value) in b {
                match a.get(key) {
                    Some(old) if old == value => {}
                    Some(old) => {
                        patch.insert(key.clone(), merge_patch(old, value));
                    }
                    None => {
                        patch.insert(key.clone(), value.clone());
                    }
                }
            }
            Value::Object(patch)
        }
        (Value::Array(a), Value::Array(b)) => {
            let patch = array_patch(a, b);
            let size = |v: &Value| serde_json::to_string(v).map_or(usize::MAX, |text| text.len());
            let longer = size(&patch) >= size(to);
            if longer { to.clone() } else { patch }
        }
        _ => to.clone(),
    }
}

/// Extension of RFC 7386 for arrays (scenarios are mostly arrays of objects): an object with the new length
/// under `"len"` and a patch under each changed index. No scenario array ever turns into an object, so an
/// object patch applied to an array is unambiguous.
fn array_patch(from: &[Value], to: &[Value]) -> Value {
    let mut patch = Map::new();
    patch.insert("len".into(), Value::from(to.len()));
    for (i, value) in to.iter().enumerate() {
        match from.get(i) {
            Some(old) if old == value => {}
            Some(old) => {
                patch.insert(i.to_string(), merge_patch(old, value));
            }
            None => {
                patch.insert(i.to_string(), value.clone());
            }
        }
    }
    Value::Object(patch)
}

fn apply_merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if let Value::Array(items) = target {
        apply_array_patch(items, patch);
        return;
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(target) = target else { unreachable!("made an object above") };
    for (key, value) in patch {
        if value.is_null() {
            target.remove(key);
        } else {
            apply_merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

fn apply_array_patch(items: &mut Vec<Value>, patch: &Map<String, Value>) {
    // The length is bounded by what the patch itself carries, so a tiny patch cannot allocate a huge array.
    let len = patch.get("len").and_then(Value::as_u64).unwrap_or(items.len() as u64);
    let len = usize::try_from(len).unwrap_or(usize::MAX).min(items.len() + patch.len());
    items.resize(len, Value::Null);
    for (key, value) in patch {
        if let Some(item) = key.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
            apply_merge_patch(item, value);
        }
    }
}

// Command codes: the high nibble is the kind, the low nibble a small argument (0..=14; 15 means the argument
// follows as a varint). Part of link format 1: add kinds, never renumber.
const CMD_STOP_HARD: u8 = 0;
const CMD_STOP_GRACEFUL: u8 = 1;
const CMD_START: u8 = 2;
const CMD_PREFERRED_ELECTION: u8 = 3;
const CMD_FETCH_DELAY: u8 = 4;
const CMD_GROUP_RATE: u8 = 5;
const CMD_PRODUCER_RATE: u8 = 6;
/// Any other command, as its serde JSON in a length-prefixed blob: every command the engine gains is
/// shareable at once, and the common ones above stay a byte or two.
const CMD_JSON: u8 = 7;
const SMALL_ESCAPE: u64 = 15;

fn write_tagged(w: &mut Writer, kind: u8, arg: u64) {
    if arg < SMALL_ESCAPE {
        w.byte(kind << 4 | arg as u8);
    } else {
        w.byte(kind << 4 | SMALL_ESCAPE as u8);
        w.u64(arg);
    }
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(z: u64) -> i64 {
    ((z >> 1) as i64) ^ -((z & 1) as i64)
}

/// Rates and delays in thousandths are usually whole: `20 000` is written as `20` with a flag bit.
fn write_thousandths(w: &mut Writer, v: u64) {
    let v = u128::from(v);
    if v % 1_000 == 0 { w.varint((v / 1_000) << 1 | 1) } else { w.varint(v << 1) }
}

fn read_thousandths(r: &mut Reader, what: &'static str) -> Result<u64, ByteError> {
    let at = r.at;
    let raw = r.varint(what)?;
    let value = if raw & 1 == 1 { (raw >> 1).checked_mul(1_000) } else { Some(raw >> 1) };
    value.and_then(|v| u64::try_from(v).ok()).ok_or(ByteError::Overflow { what, at })
}

fn encode_command(w: &mut Writer, command: &Command) {
    match command {
        Command::StopBroker { broker, graceful } => {
            let kind = if *graceful { CMD_STOP_GRACEFUL } else { CMD_STOP_HARD };
            write_tagged(w, kind, zigzag((*broker).into()));
        }
        Command::StartBroker { broker } => write_tagged(w, CMD_START, zigzag((*broker).into())),
        Command::PreferredLeaderElection => write_tagged(w, CMD_PREFERRED_ELECTION, 0),
        Command::SetBrokerFetchDelay { broker, extra_ms } => {
            write_tagged(w, CMD_FETCH_DELAY, zigzag((*broker).into()));
            write_thousandths(w, *extra_ms);
        }
        Command::Group { group, command: GroupCommand::SetProcessingRate { records_per_sec_millis } } => {
            write_tagged(w, CMD_GROUP_RATE, *group as u64);
            write_thousandths(w, *records_per_sec_millis);
        }
        Command::Producer { producer, command: ProducerCommand::SetRate { records_per_sec_millis } } => {
            write_tagged(w, CMD_PRODUCER_RATE, *producer as u64);
            write_thousandths(w, *records_per_sec_millis);
        }
        other => {
            write_tagged(w, CMD_JSON, 0);
            let json = serde_json::to_vec(other).expect("commands are plain data and always serialize");
            w.blob(&json);
        }
    }
}

// ---------------------------------------------------------------------------------------------- decoding

/// Open a fragment (with or without its leading `#`). `Ok(None)`: the fragment names no scenario (e.g. empty, or
/// only display options), so the app opens its default; the options are still returned by `view_options`.
pub fn decode(fragment: &str) -> Result<Option<SharedLink>, LinkError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let chars = fragment.chars().count();
    if chars > MAX_FRAGMENT_CHARS {
        return Err(LinkError::TooLong { chars });
    }
    let params = parameters(fragment);
    let view = read_view_options(&params)?;
    if let Some(encoded) = param(&params, "s") {
        let (scenario, moment_ms) = decode_encoded(encoded)?;
        return Ok(Some(SharedLink { scenario, moment_ms, preset: None, view }));
    }
    if let Some(name) = param(&params, "preset") {
        let preset = preset_by_id(name).ok_or_else(|| LinkError::UnknownPreset { name: name.to_string() })?;
        let moment_ms = match param(&params, "t") {
            Some(t) => read_moment(t)?,
            None => 0,
        };
        let scenario = validate(preset.scenario).map_err(LinkError::Invalid)?;
        return Ok(Some(SharedLink { scenario, moment_ms, preset: Some(preset.id), view }));
    }
    Ok(None)
}

/// The display options of a fragment, ignoring whether its scenario part is good (the app honours `embed`
/// even when it has to fall back to the default scenario).
pub fn view_options(fragment: &str) -> ViewOptions {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    read_view_options(&parameters(fragment)).unwrap_or_default()
}

fn parameters(fragment: &str) -> Vec<(&str, &str)> {
    fragment.split('&').filter(|p| !p.is_empty()).map(|p| p.split_once('=').unwrap_or((p, ""))).collect()
}

fn param<'a>(params: &[(&'a str, &'a str)], name: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
}

fn read_flag(params: &[(&str, &str)], name: &str) -> Result<Option<bool>, LinkError> {
    match param(params, name) {
        None => Ok(None),
        Some("" | "1" | "true" | "yes") => Ok(Some(true)),
        Some("0" | "false" | "no") => Ok(Some(false)),
        Some(other) => Err(LinkError::BadParameter {
            name: name.into(),
            value: other.chars().take(40).collect(),
            expected: "1 or 0",
        }),
    }
}

fn read_view_options(params: &[(&str, &str)]) -> Result<ViewOptions, LinkError> {
    let caption = param(params, "caption").map(|c| percent_decode(c).chars().take(limits::NAME_CHARS * 2).collect());
    Ok(ViewOptions {
        embed: read_flag(params, "embed")?.unwrap_or(false),
        autoplay: read_flag(params, "autoplay")?,
        caption,
    })
}

fn read_moment(t: &str) -> Result<Millis, LinkError> {
    let bad = || LinkError::BadParameter {
        name: "t".into(),
        value: t.chars().take(40).collect(),
        expected: "a virtual time in milliseconds within the timeline",
    };
    let moment: Millis = t.parse().map_err(|_| bad())?;
    if moment > limits::TIMELINE_MS {
        return Err(bad());
    }
    Ok(moment)
}

/// `%XX` escapes and `+` as space; anything malformed is kept as written (a caption is display text only).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes everything but unreserved characters, for captions in links.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode_encoded(encoded: &str) -> Result<(ValidScenario, Millis), LinkError> {
    let (version, data) = encoded.split_once('.').ok_or_else(|| bad_format(encoded))?;
    let version: u32 = version.parse().map_err(|_| bad_format(encoded))?;
    if version > LINK_FORMAT {
        return Err(LinkError::FutureFormat { found: version });
    }
    if version == 0 {
        return Err(bad_format(encoded));
    }
    let payload = base64url_decode(data)?;
    let (&codec, rest) = payload.split_first().ok_or(ByteError::Truncated { what: "the encoding byte", at: 0 })?;
    let body = match codec {
        CODEC_RAW => rest.to_vec(),
        CODEC_DEFLATE => miniz_oxide::inflate::decompress_to_vec_with_limit(rest, MAX_PAYLOAD_BYTES)
            .map_err(|e| LinkError::Inflate(format!("{:?}", e.status)))?,
        other => return Err(LinkError::BadCodec(other)),
    };
    decode_body(&body)
}

fn bad_format(encoded: &str) -> LinkError {
    LinkError::BadFormat { found: encoded.chars().take(12).collect() }
}

fn decode_body(body: &[u8]) -> Result<(ValidScenario, Millis), LinkError> {
    let mut r = Reader::new(body);
    let moment_ms = r.u64("the moment")?;
    if moment_ms > limits::TIMELINE_MS {
        return Err(LinkError::BadParameter {
            name: "moment".into(),
            value: moment_ms.to_string(),
            expected: "within the timeline (a simulated week)",
        });
    }
    let mut scenario = decode_base(&mut r)?;
    let count = r.usize("the number of actions")?;
    if count > limits::ACTIONS {
        return Err(LinkError::Invalid(ScenarioError {
            field: "actions".into(),
            problem: format!("{count} exceeds the limit of {}", limits::ACTIONS),
        }));
    }
    let mut times = Vec::with_capacity(count);
    let mut previous: Millis = 0;
    for _ in 0..count {
        previous = previous.wrapping_add(r.u64("an action's time")?);
        times.push(previous);
    }
    for (i, at_ms) in times.into_iter().enumerate() {
        let command = decode_command(&mut r, i)?;
        scenario.actions.push(TimedCommand { at_ms, command });
    }
    if !r.is_empty() {
        return Err(LinkError::TrailingData { bytes: body.len() - r.at });
    }
    Ok((validate(scenario).map_err(LinkError::Invalid)?, moment_ms))
}

fn preset_for(r: &mut Reader) -> Result<Preset, LinkError> {
    let code = r.u64("the built-in scenario's code")?;
    u8::try_from(code).ok().and_then(preset_by_code).ok_or(LinkError::UnknownPreset { name: format!("number {code}") })
}

fn decode_base(r: &mut Reader) -> Result<Scenario, LinkError> {
    let kind = r.byte("the scenario kind")?;
    match kind {
        BASE_PRESET => Ok(without_actions(&preset_for(r)?.scenario)),
        BASE_PRESET_PATCH => {
            let preset = preset_for(r)?;
            let patch: Value = serde_json::from_slice(r.blob("the scenario changes")?)
                .map_err(|e| LinkError::Json { at: "scenario changes", message: e.to_string() })?;
            let mut value = serde_json::to_value(without_actions(&preset.scenario)).expect("a scenario serializes");
            apply_merge_patch(&mut value, &patch);
            serde_json::from_value(value).map_err(|e| LinkError::Json { at: "scenario", message: e.to_string() })
        }
        BASE_JSON => serde_json::from_slice(r.blob("the scenario")?)
            .map_err(|e| LinkError::Json { at: "scenario", message: e.to_string() }),
        other => Err(LinkError::BadBase(other)),
    }
}

fn decode_command(r: &mut Reader, action: usize) -> Result<Command, LinkError> {
    let tag = r.byte("an action")?;
    let (kind, small) = (tag >> 4, u64::from(tag & 0x0f));
    let arg = if small == SMALL_ESCAPE { r.u64("an action's argument")? } else { small };
    let broker = |arg: u64| {
        i32::try_from(unzigzag(arg)).map_err(|_| LinkError::BadCommand {
            action,
            problem: format!("broker id {} is out of range", unzigzag(arg)),
        })
    };
    let index = |arg: u64| {
        usize::try_from(arg)
            .map_err(|_| LinkError::BadCommand { action, problem: format!("index {arg} is out of range") })
    };
    Ok(match kind {
        CMD_STOP_HARD => Command::StopBroker { broker: broker(arg)?, graceful: false },
        CMD_STOP_GRACEFUL => Command::StopBroker { broker: broker(arg)?, graceful: true },
        CMD_START => Command::StartBroker { broker: broker(arg)? },
        CMD_PREFERRED_ELECTION => Command::PreferredLeaderElection,
        CMD_FETCH_DELAY => {
            Command::SetBrokerFetchDelay { broker: broker(arg)?, extra_ms: read_thousandths(r, "a fetch delay")? }
        }
        CMD_GROUP_RATE => Command::Group {
            group: index(arg)?,
            command: GroupCommand::SetProcessingRate { records_per_sec_millis: read_thousandths(r, "a rate")? },
        },
        CMD_PRODUCER_RATE => Command::Producer {
            producer: index(arg)?,
            command: ProducerCommand::SetRate { records_per_sec_millis: read_thousandths(r, "a rate")? },
        },
        CMD_JSON => {
            let json = r.blob("an action's description")?;
            serde_json::from_slice(json).map_err(|e| LinkError::BadCommand {
                action,
                problem: format!("unreadable action ({e}; made by a newer kafkaviz?)"),
            })?
        }
        unknown => {
            return Err(LinkError::BadCommand {
                action,
                problem: format!("unknown action kind {unknown} (made by a newer kafkaviz?)"),
            });
        }
    })
}
