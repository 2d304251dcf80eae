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
SERVERS = ("berth", "berth_auth", "berth_s3", "dist3_s3", *CLUSTER, "dist3", "distribution")
data = {t: runs(t) for t in (*SERVERS, "kestrel")}
machine_values = {t: load(f"{results}/{t}.machine.tsv") for t in (*SERVERS, "ceiling")}
# The curl workload's pushes: curl_push_I_... lines, one file per server (not per repeat: ten pushes after the start).
curl = {t: load(f"{results}/{t}.curl.tsv") for t in SERVERS}
# The S3 columns only when the run had the s3 workload, the S3+PG columns only with the cluster workload.
with_s3 = bool(data["berth_s3"]) or bool(machine_values["berth_s3"])
with_cluster = any(data[t] or machine_values[t] for t in CLUSTER)
blob_mib = load(f"{results}/ceiling.machine.tsv").get("blob_mib", 1024)


def auth_target(t):
    """The authenticated rows: Berth's figure from the authenticated instance, the others' from their only (open) one."""
    return {"berth": "berth_auth", "berth_s3": None, "dist3_s3": None, "berth_pg1": None, "berth_pg2": None}.get(t, t)


def anchor(t):
    """The column a column's ratio is taken against: v3.1.1 on S3 for Berth's columns on Swift (when measured)."""
    if t == "berth_s3" or t in CLUSTER:
        return "dist3_s3" if with_s3 else ("dist3" if t in CLUSTER else None)
    return None


def curl_pushes(target):
    """The curl pushes of a server in order: a dict per push (s, gbps, cpu/user/kernel/store per GiB, peak RSS)."""
    values, out = curl.get(target, {}), []
    gib = blob_mib / 1024
    i = 1
    while f"curl_push_{i}_s" in values:
        v = {k[len(f"curl_push_{i}_"):]: x for k, x in values.items() if k.startswith(f"curl_push_{i}_")}
        push = {"s": v["s"], "gbps": blob_mib * 2**20 / v["s"] / 1e9, "peak_rss_mb": v.get("peak_rss_mb")}
        for k in ("cpu", "user", "kernel", "store_cpu"):
            if f"{k}_s" in v:
                push[f"{k}_s_per_gib"] = v[f"{k}_s"] / gib
        out.append(push)
        i += 1
    return out


def curl_stat(key, how=statistics.median, index=None):
    """A figure of the curl pushes: the median (or min, max) over them, or that of push number INDEX (1-based; -1: the
    last, the tenth with the default CURL_PUSHES)."""
    def get(t):
        pushes = curl_pushes(t)
        if index is not None:
            return pushes[index - 1 if index > 0 else index].get(key) if len(pushes) >= abs(index) else None
        vs = [p[key] for p in pushes if p.get(key) is not None]
        return how(vs) if vs else None
    return get


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


def peak_all(target):
    """The peak RSS through every workload the server ran (the generator's, curl, wrk, skopeo and docker)."""
    if target not in data:
        return None
    vs = [v for r in data[target] for k, v in r.items() if k.endswith("_peak_rss_mb")]
    vs += [v for k, v in curl.get(target, {}).items() if k.endswith("_peak_rss_mb")]
    return max(vs) if vs else None


def authenticated(key):
    return lambda t: median(auth_target(t), key) if auth_target(t) else None


def per_gib(key):
    """Server (or Swift's) CPU seconds of a real-client step per GiB of the image it moved."""
    image = machine_values["ceiling"].get("image_bytes")
    return lambda t: (median(t, key) / (image / 2**30)) if image and median(t, key) is not None else None


def wrk_errors(target):
    """Requests wrk and ab counted as failed, summed over the server's runs of them."""
    vs = [v for r in data.get(target, []) for k, v in r.items() if k.startswith(("wrk_", "ab_")) and k.endswith("_errors")]
    return sum(vs) if vs else None


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
TRANSFERS = [
    ("monolithic push", "push_monolithic"), ("chunked push", "push_chunked"), ("streamed push", "push_streamed"),
    ("pull", "pull"), ("pull again", "pull_again"), ("2 GiB push", "push_2g"), ("2 GiB pull", "pull_2g"), ("16 concurrent pushes", "push_16x64m"),
    ("16 concurrent pulls", "pull_16x64m"),
]
# Requests from clients that are not ours: wrk, and ab for HEAD (Debian's wrk 4.1.0 waits for a body after a HEAD answer
# that has a Content-Length, and completes no request).
WRK = [("wrk: manifest GET by tag", "wrk_manifest_get"), ("ab -i: blob HEAD", "ab_blob_head"),
       ("wrk: tags/list of 1,000 tags", "wrk_tags_list")]
rows = [
    ("curl -T push 1 GiB (POST, PUT ?digest= with body), median of the consecutive pushes", curl_stat("gbps"), "GB/s", "kestrel:push_monolithic_gbps"),
    ("curl -T push, slowest of them", curl_stat("gbps", min), "GB/s", None),
    ("curl -T push, fastest of them", curl_stat("gbps", max), "GB/s", None),
    ("curl -T push, server CPU per GiB (median)", curl_stat("cpu_s_per_gib"), "s", None),
    ("curl -T push, server user CPU per GiB", curl_stat("user_s_per_gib"), "s", None),
    ("curl -T push, server kernel CPU per GiB", curl_stat("kernel_s_per_gib"), "s", None),
    ("curl -T push, Swift CPU per GiB", curl_stat("store_cpu_s_per_gib"), "s", None),
    ("warm-up: first curl push after the start", curl_stat("gbps", index=1), "GB/s", None),
    ("warm-up: last curl push after the start (the tenth by default)", curl_stat("gbps", index=-1), "GB/s", None),
    ("warm-up: server CPU per GiB, first push", curl_stat("cpu_s_per_gib", index=1), "s", None),
    ("warm-up: server CPU per GiB, last push", curl_stat("cpu_s_per_gib", index=-1), "s", None),
    ("push 1 GiB monolithic (POST, PUT ?digest= with body)", "push_monolithic_gbps", "GB/s", "kestrel:push_monolithic_gbps"),
    ("push 1 GiB chunked (10 MiB PATCHes with Content-Range)", "push_chunked_gbps", "GB/s", "kestrel:push_monolithic_gbps"),
    ("push 1 GiB streamed (one chunked PATCH, no Content-Range)", "push_streamed_gbps", "GB/s", "kestrel:push_streamed_gbps"),
    ("pull 1 GiB, first after its push", "pull_gbps", "GB/s", "loopback_gbps"),
    ("pull 1 GiB again (page cache, every server)", "pull_again_gbps", "GB/s", "loopback_gbps"),
    ("push 2 GiB monolithic", "push_2g_gbps", "GB/s", "kestrel:push_monolithic_gbps"),
    ("pull 2 GiB", "pull_2g_gbps", "GB/s", "loopback_gbps"),
    ("16 concurrent pushes of 64 MiB, aggregate", "push_16x64m_gbps", "GB/s", "kestrel:push_monolithic_gbps"),
    ("16 concurrent pulls of 64 MiB, aggregate", "pull_16x64m_gbps", "GB/s", "loopback_gbps"),
]
for label, key in WRK:
    rows += [
        (f"{label}, 16 conn, 10 s", f"{key}_rps", "req/s", "kestrel:small_get_rps" if key != "wrk_tags_list" else None),
        (f"{label} p50", f"{key}_p50_ms", "ms", None),
        (f"{label} p99", f"{key}_p99_ms", "ms", None),
        (f"{label}, server CPU per request", f"{key}_cpu_us", "µs", None),
        (f"{label}, Swift CPU per request", f"{key}_store_cpu_us", "µs", None),
    ]
for label, key in WRK:
    rows += [
        (f"{label}, 16 conn, 10 s, Berth authenticated", authenticated(f"{key}_rps"), "req/s", None),
        (f"{label} p99, Berth authenticated", authenticated(f"{key}_p99_ms"), "ms", None),
        (f"{label}, server CPU per request, Berth authenticated", authenticated(f"{key}_cpu_us"), "µs", None),
    ]
rows += [
    ("wrk and ab: failed requests (wrk: status ≥ 400 and socket errors; ab: non-2xx and failed)", wrk_errors, "", None),
    ("wrk and ab: failed requests, Berth authenticated", lambda t: wrk_errors(auth_target(t)) if auth_target(t) else None, "", None),
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
]
for label, key in TRANSFERS:
    rows += [
        (f"server CPU per GiB, {label}", f"{key}_cpu_s_per_gib", "s", None),
        (f"server user CPU per GiB, {label}", f"{key}_user_s_per_gib", "s", None),
        (f"server kernel CPU per GiB, {label}", f"{key}_kernel_s_per_gib", "s", None),
        (f"Swift CPU per GiB, {label}", f"{key}_store_cpu_s_per_gib", "s", None),
    ]
for label, key in (("skopeo push", "skopeo_push"), ("skopeo pull", "skopeo_pull"), ("docker push", "docker_push"), ("docker pull", "docker_pull")):
    rows += [
        (f"server CPU per GiB, {label}", per_gib(f"{key}_cpu_s"), "s", None),
        (f"server user CPU per GiB, {label}", per_gib(f"{key}_user_s"), "s", None),
        (f"server kernel CPU per GiB, {label}", per_gib(f"{key}_kernel_s"), "s", None),
        (f"Swift CPU per GiB, {label}", per_gib(f"{key}_store_cpu_s"), "s", None),
    ]
rows += [
    ("server CPU, 10 s of manifest GETs", "manifest_get_cpu_s", "s", None),
    ("Swift CPU, 10 s of manifest GETs", "manifest_get_store_cpu_s", "s", None),
    ("peak RSS, every workload", peak_all, "MB", None),
    ("peak RSS, curl pushes", curl_stat("peak_rss_mb", max), "MB", None),
    ("peak RSS, generator pushes (incl. concurrent and 2 GiB)", lambda t: peak(t, "push"), "MB", None),
    ("peak RSS, 16 concurrent pushes", lambda t: peak(t, "push_16x64m"), "MB", None),
    ("peak RSS, 2 GiB push", lambda t: median(t, "push_2g_peak_rss_mb"), "MB", None),
    ("peak RSS, pulls (incl. concurrent)", lambda t: peak(t, "pull"), "MB", None),
    ("peak RSS, small requests (generator)", lambda t: max([x for x in (peak(t, "manifest"), peak(t, "blob")) if x is not None], default=None), "MB", None),
    ("peak RSS, wrk and ab", lambda t: max([x for x in (peak(t, "wrk_"), peak(t, "ab_")) if x is not None], default=None), "MB", None),
    ("peak RSS, small requests, wrk and ab, Berth authenticated", lambda t: max([x for x in (peak(auth_target(t), p) for p in ("manifest", "blob", "wrk_", "ab_")) if x is not None], default=None) if auth_target(t) else None, "MB", None),
    ("peak RSS, skopeo and docker push and pull", lambda t: client_peak(t) if data[t] else None, "MB", None),
    ("idle RSS after start", lambda t: machine_values[t].get("idle_rss_mb"), "MB", None),
    ("idle RSS after the run", lambda t: machine_values[t].get("idle_rss_after_mb"), "MB", None),
    ("idle RSS after the run, Berth authenticated", lambda t: machine_values[auth_target(t)].get("idle_rss_after_mb") if auth_target(t) else None, "MB", None),
    ("start to first answered request", lambda t: machine_values[t].get("startup_s"), "s", None),
]


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


columns = (("berth",) + (("berth_s3", "dist3_s3") if with_s3 else ()) + (CLUSTER if with_cluster else ())
           + ("dist3", "distribution"))
headers = {"berth": "Berth", "berth_s3": "Berth on S3", "dist3_s3": "v3.1.1 on S3", "berth_pg1": "Berth S3+PG (1 node)",
           "berth_pg2": "Berth S3+PG (2 nodes)", "dist3": "Distribution v3.1.1", "distribution": "Distribution 2.8.2"}
table = [
    "| workload | unit | " + " | ".join(headers[t] for t in columns) + " | Berth / v3.1.1 | Berth / 2.8.2 | Berth / ceiling |",
    "|---|---|" + "--:|" * len(columns) + "--:|--:|--:|",
]


def cell(t, values):
    """A figure; in Berth's columns on Swift followed by its ratio to v3.1.1 on S3 (to v3.1.1 without the s3 workload)."""
    a = anchor(t)
    if a and values[t] is not None:
        return f"{fmt(values[t])} ({ratio(values[t], values.get(a))})"
    return fmt(values[t])


for label, key, unit, ceil in rows:
    values = {t: key(t) if callable(key) else median(t, key) for t in (*columns, "dist3_s3")}
    if all(values[t] is None for t in columns):
        continue  # a row no server measured in this run (a workload left out)
    b = values["berth"]
    c = ceiling(ceil)
    table.append(f"| {label} | {unit} | " + " | ".join(cell(t, values) for t in columns)
                 + f" | {ratio(b, values['dist3'])} | {ratio(b, values['distribution'])} | {share(b, c)} |")

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



def r(key, target="berth", against="dist3"):
    """Berth's figure over v3.1.1's (authenticated rows: Berth's authenticated instance against the open v3.1.1)."""
    b = key(target) if callable(key) else median(target, key)
    d = key(against) if callable(key) else median(against, key)
    return b / d if b is not None and d else None


def x(v):
    return "—" if v is None else f"{v:.2f}×"


def ms(v):
    return "—" if v is None else f"{fmt(v)} ms"


def mb(v):
    return "—" if v is None else f"{fmt(v)} MB"


def sec(v):
    return "—" if v is None else f"{fmt(v)} s"


def plus_store(target, key):
    """Server plus Swift CPU per GiB of a generator row (the S3 columns: what the server and its store spent)."""
    a, b = median(target, f"{key}_cpu_s_per_gib"), median(target, f"{key}_store_cpu_s_per_gib")
    return a + b if a is not None and b is not None else None


def first_over_last(target):
    """The first curl push's speed over the last one's (1× when the server needs no warm-up)."""
    a, b = curl_stat("gbps", index=1)(target), curl_stat("gbps", index=-1)(target)
    return a / b if a is not None and b else None


curl_cpu = curl_stat("cpu_s_per_gib")
berth_curl = curl_pushes("berth")
first, tenth = curl_stat("gbps", index=1)("berth"), curl_stat("gbps", index=-1)("berth")
s3_peaks = [v for v in (peak("berth_s3", "push_16x64m"),) if v is not None]
targets = [
    ("curl -T push ≥ 1.5× v3.1.1's MB/s, server CPU ≤ 1.2 s per GiB, stable across ten consecutive 1 GiB pushes",
     f"{x(r(curl_stat('gbps')))} (median of {len(berth_curl)}; 2.8.2: {x(r(curl_stat('gbps'), against='distribution'))}); "
     f"{sec(curl_cpu('berth'))} per GiB (user {sec(curl_stat('user_s_per_gib')('berth'))}, kernel "
     f"{sec(curl_stat('kernel_s_per_gib')('berth'))}; v3.1.1 {sec(curl_cpu('dist3'))}); "
     f"{fmt(curl_stat('gbps', min)('berth'))}–{fmt(curl_stat('gbps', max)('berth'))} GB/s across the pushes"),
    ("chunked push ≥ 1.5× v3.1.1; 16 concurrent pushes ≥ 1.5×",
     f"{x(r('push_chunked_gbps'))}; {x(r('push_16x64m_gbps'))} (generator's monolithic push {x(r('push_monolithic_gbps'))})"),
    ("pull: server CPU per GiB ≤ v3.1.1's",
     f"{sec(median('berth', 'pull_cpu_s_per_gib'))} against {sec(median('dist3', 'pull_cpu_s_per_gib'))} "
     f"(user {sec(median('berth', 'pull_user_s_per_gib'))} / {sec(median('dist3', 'pull_user_s_per_gib'))}, kernel "
     f"{sec(median('berth', 'pull_kernel_s_per_gib'))} / {sec(median('dist3', 'pull_kernel_s_per_gib'))})"),
    ("authenticated manifest GET ≥ 8× v3.1.1 with p99 < 2 ms (wrk)",
     f"{x(r('wrk_manifest_get_rps', 'berth_auth'))}, p99 {ms(median('berth_auth', 'wrk_manifest_get_p99_ms'))} "
     f"(open: {x(r('wrk_manifest_get_rps'))}, p99 {ms(median('berth', 'wrk_manifest_get_p99_ms'))}; generator, authenticated: "
     f"{x(r('manifest_get_rps', 'berth_auth'))}, p99 {ms(median('berth_auth', 'manifest_get_p99_ms'))})"),
    ("tags/list: ≥ 15× less server CPU per request than v3.1.1 (wrk)",
     "—" if r("wrk_tags_list_cpu_us") is None else
     f"{1 / r('wrk_tags_list_cpu_us'):.1f}× less ({fmt(median('berth', 'wrk_tags_list_cpu_us'))} against "
     f"{fmt(median('dist3', 'wrk_tags_list_cpu_us'))} µs; authenticated {fmt(median('berth_auth', 'wrk_tags_list_cpu_us'))} µs)"),
    ("S3 against S3 (same Swift): pushes ≥ 1.5× v3.1.1 on S3, pulls ≥ 1.2×",
     f"curl {x(r(curl_stat('gbps'), 'berth_s3', 'dist3_s3'))}, monolithic {x(r('push_monolithic_gbps', 'berth_s3', 'dist3_s3'))}, "
     f"chunked {x(r('push_chunked_gbps', 'berth_s3', 'dist3_s3'))}, 16 concurrent {x(r('push_16x64m_gbps', 'berth_s3', 'dist3_s3'))}; "
     f"pull {x(r('pull_gbps', 'berth_s3', 'dist3_s3'))}; CPU per GiB of a monolithic push, server + Swift: "
     f"{sec(plus_store('berth_s3', 'push_monolithic'))} against {sec(plus_store('dist3_s3', 'push_monolithic'))}, of a pull "
     f"{sec(plus_store('berth_s3', 'pull'))} against {sec(plus_store('dist3_s3', 'pull'))}"),
    ("memory: idle RSS ≤ 60 MB, peak ≤ 120 MB through every workload, 16 concurrent pushes on S3 included",
     f"idle {mb(machine_values['berth'].get('idle_rss_mb'))} (v3.1.1 {mb(machine_values['dist3'].get('idle_rss_mb'))}); "
     f"peak {mb(peak_all('berth'))} (v3.1.1 {mb(peak_all('dist3'))}); on S3 {mb(peak_all('berth_s3'))}, "
     f"16 concurrent pushes on S3 {mb(max(s3_peaks) if s3_peaks else None)} (v3.1.1 on S3 {mb(peak('dist3_s3', 'push_16x64m'))})"),
    ("the first GiB after a start as fast as the tenth",
     "—" if first is None or tenth is None else
     f"first {fmt(first)} GB/s, push {len(berth_curl)} {fmt(tenth)} GB/s (first / last {first / tenth:.2f}×); CPU per GiB "
     f"{sec(curl_stat('cpu_s_per_gib', index=1)('berth'))} and {sec(curl_stat('cpu_s_per_gib', index=-1)('berth'))} "
     f"(v3.1.1: first / last {x(first_over_last('dist3'))})"),
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
  (s3api, one Python process per server, on the same disk and cores) instead of the filesystem; "v3.1.1 on S3" is
  Distribution v3.1.1 with its `s3` driver on the same Swift (its own bucket; regionendpoint the Swift proxy,
  forcepathstyle, v4auth). Distribution redirects blob GET and HEAD to a presigned Swift URL by default (kept: what a
  new user runs), so its pulls are served by Swift itself and the generator follows the redirect; ab does not follow
  redirects, so its blob HEAD row for v3.1.1 on S3 is the 307 answer alone (which ab counts among its failed, non-2xx
  requests). """ + ("""Berth on S3 redirects its blob GETs the same way (S3_REDIRECT=1, the default:
  `Berth__Storage__Blobs__S3__PresignedRedirects=true`), so both columns' pulls are Swift's; """ if os.environ.get("S3_REDIRECT", "1") == "1" else
"""Berth on S3 streams its pulls through itself (S3_REDIRECT=0, `PresignedRedirects` off), so its pull rows measure
  that path against Distribution's redirect; """) + """"Berth on S3" shows its ratio to "v3.1.1
  on S3". "Swift CPU" rows count the CPU of Swift's processes (proxy, object, container and account servers and
  memcached, one process each: workers = 0) over the same span, per GiB or per request, for both columns.
""" if with_s3 else "")
CLUSTER_NOTE = ("""- "Berth S3+PG (1 node)" and "(2 nodes)" are Berth as the README's scale-out deployment runs it, open like the
  first: blobs on the same Swift (a bucket per configuration), metadata in a private PostgreSQL 15 (fsync on, a
  database per configuration), as one node and as two nodes sharing one database and one bucket. Each figure is
  followed by its ratio to v3.1.1 on S3 (to v3.1.1 on its filesystem when the s3 workload did not run). With two nodes
  the generator deals every request round-robin (one upload's POST, PATCHes and PUT land on different nodes;
  tags/list pages alternate), pins blob i of the concurrent pushes to node i mod 2 and pulls it from the other, and
  skopeo and docker go through a round-robin TCP balancer (`berth-bench balance`, one node per connection; its CPU is
  not counted); curl and wrk are not run on two nodes. CPU is the sum over both nodes, RSS the larger node's. Both
  nodes, PostgreSQL, Swift and the generator share this machine's two cores, so the two-node column shows that
  spreading the load across nodes works, not how a cluster scales; PostgreSQL's CPU and memory are not counted,
  Swift's CPU is (its own rows).
""" if with_cluster else "")
S3_TRAILER = "".join([
    "" if with_s3 else "Not in this run: Berth and Distribution v3.1.1 with blobs on S3 (workload `s3`).\n",
    "" if with_cluster else "Not in this run: Berth on S3 and PostgreSQL, one and two nodes (workload `cluster`).\n",
])
counts = {headers.get(t, t): len(data[t]) for t in ("berth", "berth_s3", "dist3_s3", *CLUSTER, "dist3", "distribution") if data[t]}
REPEAT_NOTE = "" if all(n == repeats for n in counts.values()) else (
    "- Repeats measured per column: " + ", ".join(f"{k} {n}" for k, n in counts.items())
    + " (the S3 and S3+PG columns run in the first `STORE_REPEATS` repeats only); each figure is the median of"
    " the repeats that measured it.\n")
curl_count = max((len(curl_pushes(t)) for t in SERVERS), default=0)
CURL_NOTE = (f"""- **curl** (the rows "curl -T push" and "warm-up"): right after the servers start, before any other workload,
  {curl_count} consecutive monolithic pushes of {blob_mib:.0f} MiB per server with curl, interleaved (push i goes to
  every server, the first server rotating, before push i+1): `curl -X POST …/blobs/uploads/`, then `curl -T FILE
  "LOCATION&digest=sha256:…"` (one PUT with the body; curl sends `Expect: 100-continue`). Each push is a new blob (a
  nonce over the file's first bytes); the file stays in the page cache. Time, server CPU (user and kernel apart) and
  peak RSS are taken around the two requests; after each push the blob is removed from the server's storage outside
  the timing, so the disk holds one at a time (`CURL_KEEP=1` keeps them). The rows give the median, slowest and
  fastest of the pushes; "warm-up" sets the first push after the start against the tenth.
""" if curl_count else "")
WRK_NOTE = ("""- **wrk and ab** (the rows "wrk: …" and "ab -i: …"), clients that are not ours, on a repository seeded per repeat by
  `berth-bench seed` (a one-layer image tagged `latest` and t0001…t0999, 1,000 tags, ECR's quota per image), 16 connections, 5 s of warm-up then 10 s
  measured: `wrk -t2 -c16 --latency` for manifest GET by tag (Accept: the OCI manifest type) and GET tags/list (the
  first answer only; "tags/list pages followed" in the generator's rows says whether it holds all 1,000 tags), and
  `ab -i -k -c 16` (ApacheBench: HTTP/1.0 keep-alive, one thread, whole-millisecond percentiles) for blob HEAD,
  because Debian's wrk 4.1.0 waits for a body after a HEAD answer that carries Content-Length and completes no
  request. "Server CPU per request" is the server's CPU over the measured 10 s divided by the requests completed. The
  generator's rows of the same requests stay for comparison.
""" if any(k.startswith(("wrk_", "ab_")) for t in SERVERS for r in data[t] for k in r) else "")
now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
with open(out, "w") as f:
    f.write(f"""# Benchmark: Berth against CNCF Distribution v3.1.1 and 2.8.2

Produced by `bench/run.sh` on {now}.
{SIZE_WARNING}
- Machine: {machine}
- Medians of {repeats} repeats; Berth, Distribution v3.1.1 (the current release, built from its tag:
  `/work/shared/anchors/distribution-v3.1.1`; the main anchor, "Berth / v3.1.1"), Distribution 2.8.2 (Debian's
  `docker-registry`, the first round's anchor, "Berth / 2.8.2") and the bare Kestrel ceiling run side by side, the
  servers' order rotating from one repeat to the next, driven by the same load generator (`bench/Berth.Bench`,
  HttpClient with SocketsHttpHandler) and the same clients (curl, wrk, skopeo, docker), all on 127.0.0.1. The
  clients run on the same two cores as the server, so they take their share of the CPU in every figure.
- Berth runs twice: as an **open registry** (no authentication, create on push), like Distribution's default, for
  every workload; and as ECR does, **authenticated** (every `/v2/` request carries `Authorization: Basic
  base64(AWS:token)` with the token of `aws ecr get-login-password`; the repository made by `aws ecr
  create-repository`), for the rows marked "Berth authenticated", which set it against the open Distribution.
- Server CPU: every push and pull row has the server's CPU seconds per GiB, and its user and kernel seconds apart
  (utime and stime of /proc/PID/stat read before and after the workload); request rows have CPU per request or per
  10 s. Memory: idle RSS after the start and after the run, and the peak RSS (the kernel's VmHWM, reset through
  /proc/PID/clear_refs before each workload) of each workload, and over every workload.
{CURL_NOTE}{WRK_NOTE}- Generator rows: blob bodies come from a 64 MiB random buffer in the generator's memory (first 16 bytes a
  per-blob nonce, so every blob is new to every server); pulls are read and discarded (length checked). Its
  requests/s rows count 10 s at 16 connections after 5 s of the same load as warm-up (.NET's tiered JIT settles in
  the first seconds under load; start time and the curl warm-up rows show the cold server).
- The real clients (skopeo, docker) move a new five-layer image per repeat, about 300 MB: tar+gzip layers of random
  bytes in an OCI layout written offline (`berth-bench image`). skopeo copies the layers as they are; docker push
  recompresses each layer from its store, and docker pull unpacks into the vfs driver, both client work that is the
  same for every server. Client rows are wall-clock seconds (lower is better, so the ratio is better below 1×);
  "server CPU per GiB" of a client step divides the server's CPU seconds by the image's size.
- "Berth / ceiling" reads a figure as a share of what this machine allows: pushes against the best of one stream and
  16 concurrent streams of the bare Kestrel server that hashes, writes and fsyncs the body in one pass (a figure
  above both says so instead of a share over 100%), pulls against iperf3 loopback, small requests against the
  bare Kestrel 2-byte GET.
- A "—" is a figure this run did not measure for that server (rows no server measured are left out).
{REPEAT_NOTE}{S3_NOTE}{CLUSTER_NOTE}
## Commands

```
{commands}
```

## Results

{chr(10).join(table)}

## Ceilings of this machine (same run)

{chr(10).join(ctable)}

## Against the targets of the performance issue (#23, this run)

Ratios are Berth's figure over Distribution v3.1.1's, both on the filesystem or both on the same Swift. A share of a
ceiling is of its upper bound: for pushes the best of the bare Kestrel server's one stream and 16 concurrent streams;
a figure above it is reported as such, since the bound then did not hold.

{chr(10).join(ttable)}

{S3_TRAILER}""")
