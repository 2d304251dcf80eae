"""Medians of bench/run.sh's per-repeat results: prints the table and writes RESULTS.md.

Usage: table.py RESULTS_DIR REPEATS MACHINE COMMANDS OUT
"""
import datetime
import glob
import os
import statistics
import sys

results, repeats, machine, commands, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]


def load(path):
    values = {}
    if os.path.exists(path):
        for line in open(path):
            if "\t" in line:
                k, v = line.rstrip("\n").split("\t")
                values[k] = float(v)
    return values


def runs(target):
    return [load(p) for p in sorted(glob.glob(f"{results}/{target}.[0-9]*.tsv"))]


CLUSTER = ("berth_pg1", "berth_pg2")
data = {t: runs(t) for t in ("berth", "berth_auth", "berth_s3", *CLUSTER, "distribution", "kestrel")}
machine_values = {t: load(f"{results}/{t}.machine.tsv") for t in ("berth", "berth_auth", "berth_s3", *CLUSTER, "distribution", "ceiling")}
# The column "Berth on S3" only when the run had the s3 workload, the S3+PG columns only with the cluster workload.
with_s3 = bool(data["berth_s3"]) or bool(machine_values["berth_s3"])
with_cluster = any(data[t] or machine_values[t] for t in CLUSTER)


def auth_target(t):
    """The authenticated rows: Berth's figure from the authenticated instance, Distribution's from its only (open) one."""
    return {"berth": "berth_auth", "berth_s3": None, "berth_pg1": None, "berth_pg2": None}.get(t, t)


def median(target, key):
    if target not in data:
        return None
    vs = [r[key] for r in data[target] if key in r]
    return statistics.median(vs) if vs else None


def peak(target, suffix):
    if target not in data:
        return None
    vs = [v for r in data[target] for k, v in r.items() if k.endswith("_peak_rss_mb") and k.startswith(suffix)]
    return max(vs) if vs else None


def authenticated(key):
    return lambda t: median(auth_target(t), key) if auth_target(t) else None


def per_gib(key):
    """Server CPU seconds of a real-client step per GiB of the image it moved."""
    image = machine_values["ceiling"].get("image_bytes")
    return lambda t: (median(t, key) / (image / 2**30)) if image and median(t, key) is not None else None


def client_peak(target):
    vs = [v for r in data[target] for k, v in r.items() if k.endswith("_peak_rss_mb") and k.startswith(("skopeo_", "docker_"))]
    return max(vs) if vs else None


def ceiling(key):
    """An upper bound: for pushes the best of the bare Kestrel server's one stream and its 16 concurrent streams."""
    if key is None:
        return None
    if key.startswith("kestrel:"):
        return max([v for v in (median("kestrel", key[8:]), median("kestrel", "push_16x64m_gbps") if "push" in key else None)
                    if v is not None], default=None)
    return machine_values["ceiling"].get(key)


def share(b, c):
    """A figure as a share of its ceiling. A figure above it means the bound did not hold: said so, never a share over 100%."""
    if b is None or not c:
        return ""
    if b > c:
        return f"above the bare server's best {fmt(c)}: no bound"
    return f"{100 * b / c:.0f}% of {fmt(c)}"


# label, metric key (or callable), unit, ceiling key
rows = [
    ("push 1 GiB monolithic (POST, PUT ?digest= with body)", "push_monolithic_gbps", "GB/s", "kestrel:push_monolithic_gbps"),
    ("push 1 GiB chunked (10 MiB PATCHes with Content-Range)", "push_chunked_gbps", "GB/s", "kestrel:push_monolithic_gbps"),
    ("push 1 GiB streamed (one chunked PATCH, no Content-Range)", "push_streamed_gbps", "GB/s", "kestrel:push_streamed_gbps"),
    ("pull 1 GiB", "pull_gbps", "GB/s", "loopback_gbps"),
    ("push 2 GiB monolithic", "push_2g_gbps", "GB/s", "kestrel:push_monolithic_gbps"),
    ("pull 2 GiB", "pull_2g_gbps", "GB/s", "loopback_gbps"),
    ("16 concurrent pushes of 64 MiB, aggregate", "push_16x64m_gbps", "GB/s", "kestrel:push_monolithic_gbps"),
    ("16 concurrent pulls of 64 MiB, aggregate", "pull_16x64m_gbps", "GB/s", "loopback_gbps"),
    ("manifest GET by tag, 16 conn, 10 s", "manifest_get_rps", "req/s", "kestrel:small_get_rps"),
    ("manifest GET p50", "manifest_get_p50_ms", "ms", None),
    ("manifest GET p99", "manifest_get_p99_ms", "ms", None),
    ("blob HEAD, 16 conn, 10 s", "blob_head_rps", "req/s", "kestrel:small_get_rps"),
    ("blob HEAD p50", "blob_head_p50_ms", "ms", None),
    ("blob HEAD p99", "blob_head_p99_ms", "ms", None),
    ("manifest GET by tag, 16 conn, 10 s, Berth authenticated", authenticated("manifest_get_rps"), "req/s", "kestrel:small_get_rps"),
    ("manifest GET p50, Berth authenticated", authenticated("manifest_get_p50_ms"), "ms", None),
    ("manifest GET p99, Berth authenticated", authenticated("manifest_get_p99_ms"), "ms", None),
    ("blob HEAD, 16 conn, 10 s, Berth authenticated", authenticated("blob_head_rps"), "req/s", "kestrel:small_get_rps"),
    ("blob HEAD p50, Berth authenticated", authenticated("blob_head_p50_ms"), "ms", None),
    ("blob HEAD p99, Berth authenticated", authenticated("blob_head_p99_ms"), "ms", None),
    ("tags/list of 1,000 tags (all pages) p50", "tags_list_p50_ms", "ms", None),
    ("tags/list of 1,000 tags (all pages) p99", "tags_list_p99_ms", "ms", None),
    ("tags/list pages followed", "tags_list_pages", "", None),
    ("skopeo push of the 5-layer image", "skopeo_push_s", "s", None),
    ("skopeo re-push (every layer exists)", "skopeo_repush_s", "s", None),
    ("skopeo pull to a directory", "skopeo_pull_s", "s", None),
    ("docker push of the 5-layer image", "docker_push_s", "s", None),
    ("docker pull after docker rmi", "docker_pull_s", "s", None),
    ("docker re-push (every layer exists)", "docker_repush_s", "s", None),
    ("server CPU per GiB, monolithic push", "push_monolithic_cpu_s_per_gib", "s", None),
    ("server CPU per GiB, chunked push", "push_chunked_cpu_s_per_gib", "s", None),
    ("server CPU per GiB, streamed push", "push_streamed_cpu_s_per_gib", "s", None),
    ("server CPU per GiB, pull", "pull_cpu_s_per_gib", "s", None),
    ("server CPU per GiB, 2 GiB push", "push_2g_cpu_s_per_gib", "s", None),
    ("server CPU per GiB, 16 concurrent pushes", "push_16x64m_cpu_s_per_gib", "s", None),
    ("server CPU per GiB, skopeo push", per_gib("skopeo_push_cpu_s"), "s", None),
    ("server CPU per GiB, skopeo pull", per_gib("skopeo_pull_cpu_s"), "s", None),
    ("server CPU per GiB, docker push", per_gib("docker_push_cpu_s"), "s", None),
    ("server CPU per GiB, docker pull", per_gib("docker_pull_cpu_s"), "s", None),
    ("server CPU, 10 s of manifest GETs", "manifest_get_cpu_s", "s", None),
    ("peak RSS, pushes (incl. concurrent and 2 GiB)", lambda t: peak(t, "push"), "MB", None),
    ("peak RSS, 2 GiB push", lambda t: median(t, "push_2g_peak_rss_mb"), "MB", None),
    ("peak RSS, pulls (incl. concurrent)", lambda t: peak(t, "pull"), "MB", None),
    ("peak RSS, small requests", lambda t: max([x for x in (peak(t, "manifest"), peak(t, "blob")) if x is not None], default=None), "MB", None),
    ("peak RSS, small requests, Berth authenticated", lambda t: max([x for x in (peak(auth_target(t), "manifest"), peak(auth_target(t), "blob")) if x is not None], default=None) if auth_target(t) else None, "MB", None),
    ("peak RSS, skopeo and docker push and pull", client_peak, "MB", None),
    ("idle RSS after start", lambda t: machine_values[t].get("idle_rss_mb"), "MB", None),
    ("idle RSS after the run", lambda t: machine_values[t].get("idle_rss_after_mb"), "MB", None),
    ("idle RSS after the run, Berth authenticated", lambda t: machine_values[auth_target(t)].get("idle_rss_after_mb") if auth_target(t) else None, "MB", None),
    ("start to first answered request", lambda t: machine_values[t].get("startup_s"), "s", None),
]


blob_mib = machine_values["ceiling"].get("blob_mib", 1024)
SIZE_WARNING = (f"""
**Not a result: this run used blobs of {blob_mib:.0f} MiB (`BLOB_MIB`) where the rows say 1 GiB, 2 GiB and 64 MiB.**
""" if blob_mib != 1024 else "")


def fmt(v):
    if v is None:
        return "—"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    if abs(v) >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def ratio(v, d):
    return f"{v / d:.2f}×" if v is not None and d else "—"


columns = ("berth",) + (("berth_s3",) if with_s3 else ()) + (CLUSTER if with_cluster else ()) + ("distribution",)
headers = {"berth": "Berth", "berth_s3": "Berth on S3", "berth_pg1": "Berth S3+PG (1 node)", "berth_pg2": "Berth S3+PG (2 nodes)",
           "distribution": "Distribution"}
table = [
    "| workload | unit | " + " | ".join(headers[t] for t in columns) + " | Berth / Distribution | Berth / ceiling |",
    "|---|---|" + "--:|" * len(columns) + "--:|--:|",
]


def cell(t, values):
    """A figure; in the S3+PG columns followed by its ratio to Distribution's."""
    if t in CLUSTER and values[t] is not None:
        return f"{fmt(values[t])} ({ratio(values[t], values['distribution'])})"
    return fmt(values[t])


for label, key, unit, ceil in rows:
    values = {t: key(t) if callable(key) else median(t, key) for t in columns}
    b, d = values["berth"], values["distribution"]
    c = ceiling(ceil)
    table.append(f"| {label} | {unit} | " + " | ".join(cell(t, values) for t in columns) + f" | {ratio(b, d)} | {share(b, c)} |")

ceilings = [
    ("SHA-256, openssl speed -evp sha256, 16 KiB blocks, one core", machine_values["ceiling"].get("openssl_sha256_gbps"), "GB/s"),
    ("SHA-256, .NET IncrementalHash, 1 MiB blocks, one core", machine_values["ceiling"].get("dotnet_sha256_gbps"), "GB/s"),
    ("disk: dd 1 GiB with conv=fsync", machine_values["ceiling"].get("dd_fsync_gbps"), "GB/s"),
    ("loopback TCP, iperf3 5 s", machine_values["ceiling"].get("loopback_gbps"), "GB/s"),
    ("bare Kestrel: 1 GiB PUT, hash + write + fsync (Content-Length)", median("kestrel", "push_monolithic_gbps"), "GB/s"),
    ("bare Kestrel: 1 GiB PUT, hash + write + fsync (chunked)", median("kestrel", "push_streamed_gbps"), "GB/s"),
    ("bare Kestrel: 16 concurrent PUTs of 64 MiB, aggregate", median("kestrel", "push_16x64m_gbps"), "GB/s"),
    ("bare Kestrel: 2-byte GET, 16 conn", median("kestrel", "small_get_rps"), "req/s"),
    ("bare Kestrel: 2-byte GET p99", median("kestrel", "small_get_p99_ms"), "ms"),
]
ctable = ["| ceiling | value | unit |", "|---|--:|---|"] + [f"| {l} | {fmt(v)} | {u} |" for l, v, u in ceilings]



def r(key, target="berth"):
    """Berth's figure over Distribution's (authenticated rows: Berth's authenticated instance against the open Distribution)."""
    b = median(target, key)
    d = median("distribution", key)
    return b / d if b is not None and d else None


def x(v):
    return "—" if v is None else f"{v:.2f}×"


def pct(key, ceil):
    return share(median("berth", key), ceiling(ceil)) or "—"


def ms(v):
    return "—" if v is None else f"{fmt(v)} ms"


def mb(v):
    return "—" if v is None else f"{fmt(v)} MB"


client_times = [r(k) for k in ("skopeo_push_s", "skopeo_pull_s", "docker_push_s", "docker_pull_s") if r(k) is not None]
peaks = [v for v in (peak("berth", "push"), peak("berth", "pull"), peak("berth", "manifest"), peak("berth", "blob"), client_peak("berth") if data["berth"] else None) if v is not None]
startup = machine_values["berth"].get("startup_s")
targets = [
    ("monolithic, chunked, streamed push ≥ 2.5× Distribution and ≥ 85% of the bare Kestrel ceiling",
     f"{x(r('push_monolithic_gbps'))}, {x(r('push_chunked_gbps'))}, {x(r('push_streamed_gbps'))} (2 GiB: {x(r('push_2g_gbps'))}); "
     f"{pct('push_monolithic_gbps', 'kestrel:push_monolithic_gbps')}, {pct('push_chunked_gbps', 'kestrel:push_monolithic_gbps')}, "
     f"{pct('push_streamed_gbps', 'kestrel:push_streamed_gbps')}"),
    ("pull ≥ 1.3× Distribution and ≥ 70% of loopback",
     f"1 GiB {x(r('pull_gbps'))} ({pct('pull_gbps', 'loopback_gbps')}), 2 GiB {x(r('pull_2g_gbps'))} ({pct('pull_2g_gbps', 'loopback_gbps')}), "
     f"16 concurrent {x(r('pull_16x64m_gbps'))} ({pct('pull_16x64m_gbps', 'loopback_gbps')})"),
    ("authenticated manifest GET and blob HEAD ≥ 15×, p99 < 5 ms",
     f"{x(r('manifest_get_rps', 'berth_auth'))} and {x(r('blob_head_rps', 'berth_auth'))}, p99 {ms(median('berth_auth', 'manifest_get_p99_ms'))} and "
     f"{ms(median('berth_auth', 'blob_head_p99_ms'))} (open: {x(r('manifest_get_rps'))} and {x(r('blob_head_rps'))})"),
    ("16 concurrent pushes ≥ 2×", x(r("push_16x64m_gbps"))),
    ("skopeo and docker push and pull ≥ 1.5× faster",
     f"{x(min(client_times))}–{x(max(client_times))} the time" if client_times else "—"),
    ("re-push of existing layers no slower", f"skopeo {x(r('skopeo_repush_s'))}, docker {x(r('docker_repush_s'))} the time"),
    ("idle RSS ≤ 80 MB, peak ≤ 150 MB (embedded storage)",
     f"idle {mb(machine_values['berth'].get('idle_rss_mb'))}; peak {mb(max(peaks) if peaks else None)}, 2 GiB push {mb(median('berth', 'push_2g_peak_rss_mb'))}"),
    ("start to first answered request < 1 s", "—" if startup is None else f"{fmt(startup)} s"),
]
ttable = ["| target | result |", "|---|---|"] + [f"| {t} | {v} |" for t, v in targets]

if SIZE_WARNING:
    print(SIZE_WARNING.strip())
print("\n".join(table))
print()
print("\n".join(ctable))
print()
print("\n".join(ttable))

S3_NOTE = ("""- "Berth on S3" is a third Berth, open like the first, with blobs in a bucket of a single-node OpenStack Swift
  (s3api, one Python process per server, on the same disk and cores) instead of the filesystem; its ratio to
  Distribution is not shown, and Swift's own CPU and memory are not counted in its figures.
""" if with_s3 else "")
CLUSTER_NOTE = ("""- "Berth S3+PG (1 node)" and "(2 nodes)" are Berth as the README's scale-out deployment runs it, open like the
  first: blobs on the same Swift (a bucket per configuration), metadata in a private PostgreSQL 15 (fsync on, a
  database per configuration), as one node and as two nodes sharing one database and one bucket. Each figure is
  followed by its ratio to Distribution's. With two nodes the generator deals every request round-robin (one
  upload's POST, PATCHes and PUT land on different nodes; tags/list pages alternate), pins blob i of the concurrent
  pushes to node i mod 2 and pulls it from the other, and skopeo and docker go through a round-robin TCP balancer
  (`berth-bench balance`, one node per connection; its CPU is not counted). CPU is the sum over both nodes, RSS the
  larger node's. Both nodes, PostgreSQL, Swift and the generator share this machine's two cores, so the two-node
  column shows that spreading the load across nodes works, not how a cluster scales; PostgreSQL's and Swift's own
  CPU and memory are not counted.
""" if with_cluster else "")
S3_TRAILER = "".join([
    "" if with_s3 else "Not in this run: Berth with blobs on S3 (workload `s3`).\n",
    "" if with_cluster else "Not in this run: Berth on S3 and PostgreSQL, one and two nodes (workload `cluster`).\n",
])
counts = {headers.get(t, t): len(data[t]) for t in ("berth", "berth_s3", *CLUSTER, "distribution") if data[t]}
REPEAT_NOTE = "" if all(n == repeats for n in counts.values()) else (
    "- Repeats measured per column: " + ", ".join(f"{k} {n}" for k, n in counts.items())
    + " (the S3 and S3+PG columns run in the first `STORE_REPEATS` repeats only); each figure is the median of"
    " the repeats that measured it.\n")
now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
with open(out, "w") as f:
    f.write(f"""# Benchmark: Berth against CNCF Distribution

Produced by `bench/run.sh` on {now}.
{SIZE_WARNING}
- Machine: {machine}
- Medians of {repeats} repeats; Berth, Distribution and the bare Kestrel ceiling run side by side, driven alternately
  (Berth first in odd repeats, Distribution first in even ones) by the same load generator (`bench/Berth.Bench`,
  HttpClient with SocketsHttpHandler) and the same clients, all on 127.0.0.1. The
  generator runs on the same two cores as the server, so it takes its share of the CPU in every figure.
- Berth runs twice: as an **open registry** (no authentication, create on push), like Distribution's default, for
  every workload; and as ECR does, **authenticated** (every `/v2/` request carries `Authorization: Basic
  base64(AWS:token)` with the token of `aws ecr get-login-password`; the repository made by `aws ecr
  create-repository`), for the rows marked "Berth authenticated", which set it against the open Distribution.
- Blob bodies come from a 64 MiB random buffer in the generator's memory (first 16 bytes a per-blob nonce, so every
  blob is new to both servers); pulls are read and discarded (length checked). Requests/s rows count 10 s at
  16 connections after 5 s of the same load as warm-up (.NET's tiered JIT settles in the first seconds under load;
  start time is its own row).
- The real clients (skopeo, docker) move a new five-layer image per repeat, about 300 MB: tar+gzip layers of random
  bytes in an OCI layout written offline (`berth-bench image`). skopeo copies the layers as they are; docker push
  recompresses each layer from its store, and docker pull unpacks into the vfs driver, both client work that is the
  same for either server. Client rows are wall-clock seconds (lower is better, so the ratio is better below 1×);
  "server CPU per GiB" of a client step divides the server's CPU seconds by the image's size.
- "Berth / ceiling" reads a figure as a share of what this machine allows: pushes against the best of one stream and
  16 concurrent streams of the bare Kestrel server that hashes, writes and fsyncs the body in one pass (a figure
  above both says so instead of a share over 100%), pulls against iperf3 loopback, small requests against the
  bare Kestrel 2-byte GET. Peak RSS is the kernel's VmHWM, reset through /proc/PID/clear_refs before each workload.
- A "—" is a figure this run did not measure (a workload left out of `WORKLOADS`).
{REPEAT_NOTE}{S3_NOTE}{CLUSTER_NOTE}
## Commands

```
{commands}
```

## Results

{chr(10).join(table)}

## Ceilings of this machine (same run)

{chr(10).join(ctable)}

## Against the targets of the performance issue (this run)

Ratios are Berth's figure over Distribution's (for client rows, time over time: below 1× is faster). A share of a
ceiling is of its upper bound: for pushes the best of the bare Kestrel server's one stream and 16 concurrent streams;
a figure above it is reported as such, since the bound then did not hold.

{chr(10).join(ttable)}

{S3_TRAILER}""")
