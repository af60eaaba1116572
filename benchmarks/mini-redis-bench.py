#!/usr/bin/env python3
"""mini-redis next to redis-server and a Netty server, measured with redis-benchmark.

    mvn -B -q package -pl samples,benchmarks -am -DskipTests
    python3 benchmarks/mini-redis-bench.py [--rounds 3] [--requests 300000] [--out benchmarks/results]

Starts the three servers at once, each pinned to CPU 0, and warms each up. Then, round by round,
for -P 1 and -P 16 and for each test, runs
    redis-benchmark -c 50 -n REQUESTS -P {1,16} -q -t TEST
pinned to CPU 1 against the three servers back to back (the first of them changes from test to
test and round to round). So the three rates of one test in one round are measured seconds apart,
and a noisy minute of the shared machine hurts all three alike; an idle server waits in
epoll_wait and costs the others nothing. Reports the median of the rounds and, for the ratios,
the median of each round's ratio: a Markdown table (mini-redis.md), an SVG chart (mini-redis.svg)
and every raw number (mini-redis.json) in --out. Beside each rate it notes the CPU time per request
of redis-benchmark (its resource usage as a child of this script) and of the server (its
/proc/PID/stat, all threads, user and system), to show which side is the limit.

Needs redis-server, redis-benchmark (Debian's redis-server, redis-tools), taskset, and the two
jars built by the mvn command above. The servers: redis-server with persistence off;
mini-redis (samples jar); the Netty 4.2 server of the benchmarks jar (one NIO event loop).
"""
import argparse
import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import time

TESTS = ["PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "LPUSH", "LPOP"]
PIPELINES = [1, 16]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAVA = ["java", "-Xms1g", "-Xmx1g"]
SERVERS = {
    "redis-server": lambda port: ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                  "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
    "mini-redis": lambda port: JAVA + ["-jar", os.path.join(ROOT, "samples/target/twine-samples.jar"),
                                       "mini-redis", "--port", str(port)],
    "netty": lambda port: JAVA + ["-cp", os.path.join(ROOT, "benchmarks/target/benchmarks.jar"),
                                  "io.twine.benchmarks.redis.NettyRedisServer", str(port)],
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server on port %d did not answer PING within %d s" % (port, seconds))


def benchmark(port, requests, pipeline, tests=",".join(t.lower() for t in TESTS)):
    out = subprocess.run(["taskset", "-c", "1", "redis-benchmark", "-h", "127.0.0.1", "-p", str(port),
                          "-c", "50", "-n", str(requests), "-P", str(pipeline), "-q", "-t", tests],
                         capture_output=True, text=True, check=True).stdout
    found = dict((name, float(rate)) for name, rate in
                 re.findall(r"(\w+): ([0-9.]+) requests per second", out.replace("\r", "\n")))
    missing = [t for t in TESTS if t.lower() in tests and t not in found]
    if missing or "ERR" in out:
        raise RuntimeError("redis-benchmark output lacks %s:\n%s" % (missing, out))
    return found


def cpu_seconds(pid):
    """User plus system time of a process, all its threads, from /proc/PID/stat (fields 14 and 15)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(args):
    raw = {name: {p: {t: [] for t in TESTS} for p in PIPELINES} for name in SERVERS}
    cpu = {side: {name: {p: {t: [] for t in TESTS} for p in PIPELINES} for name in SERVERS}
           for side in ("client", "server")}  # microseconds of CPU per request
    names = list(SERVERS)
    ports, processes = {}, {}
    try:
        for name, command in SERVERS.items():
            ports[name] = free_port()
            processes[name] = subprocess.Popen(["taskset", "-c", "0"] + command(ports[name]),
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for name in names:
            wait_for(ports[name])
            benchmark(ports[name], args.requests // 3, 16)  # warm-up (the JIT, the allocator), not counted
        for round_ in range(args.rounds):
            for pipeline in PIPELINES:
                for i, test in enumerate(TESTS):
                    first = (round_ + i) % len(names)
                    for name in names[first:] + names[:first]:
                        client_before, server_before = children_cpu_seconds(), cpu_seconds(processes[name].pid)
                        raw[name][pipeline][test].append(benchmark(ports[name], args.requests, pipeline, test.lower())[test])
                        cpu["client"][name][pipeline][test].append((children_cpu_seconds() - client_before) * 1e6 / args.requests)
                        cpu["server"][name][pipeline][test].append((cpu_seconds(processes[name].pid) - server_before) * 1e6 / args.requests)
                for name in names:
                    print("round %d %-12s -P %-2d %s" % (round_ + 1, name, pipeline,
                          " ".join("%s=%.0f" % (t, raw[name][pipeline][t][-1]) for t in TESTS)), flush=True)
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            process.wait(30)
    return raw, cpu


def report(raw, cpu, args):
    median = {n: {p: {t: statistics.median(raw[n][p][t]) for t in TESTS} for p in PIPELINES} for n in SERVERS}

    def ratio(p, t, other):  # the median of the rounds' ratios: each round's three rates are neighbours in time
        return statistics.median(m / o for m, o in zip(raw["mini-redis"][p][t], raw[other][p][t]))

    lines = ["| -P | test | redis-server | mini-redis | Netty | mini / redis | mini / Netty |",
             "|---:|---|---:|---:|---:|---:|---:|"]
    for p in PIPELINES:
        for t in TESTS:
            r, m, n = median["redis-server"][p][t], median["mini-redis"][p][t], median["netty"][p][t]
            lines.append("| %d | %s | %s | %s | %s | %.2f | %.2f |" % (p, t, fmt(r), fmt(m), fmt(n),
                                                                     ratio(p, t, "redis-server"), ratio(p, t, "netty")))
    chart_setup = ("redis-benchmark -c 50 -n %d -q, server on CPU 0, redis-benchmark on CPU 1, median of %d rounds"
                   % (args.requests, args.rounds))
    setup = (chart_setup + " (each test run against the three servers back to back); requests per second; "
             "the ratios are medians of each round's ratio")
    lines += ["", "CPU time per request, microseconds (medians): redis-benchmark's against each server, and each server's",
              "", "| -P | test | client: redis-server | client: mini-redis | client: Netty "
              "| redis-server | mini-redis | Netty |", "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for p in PIPELINES:
        for t in TESTS:
            lines.append("| %d | %s | %s |" % (p, t, " | ".join(
                "%.2f" % statistics.median(cpu[side][n][p][t]) for side in ("client", "server") for n in SERVERS)))
    table = "\n".join(lines)
    with open(os.path.join(args.out, "mini-redis.md"), "w") as f:
        f.write(setup + "\n\n" + table + "\n")
    with open(os.path.join(args.out, "mini-redis.json"), "w") as f:
        json.dump({"setup": setup, "rounds": raw, "cpu_us_per_request": cpu}, f, indent=1)
    with open(os.path.join(args.out, "mini-redis.svg"), "w") as f:
        f.write(svg(median, chart_setup))
    print(setup)
    print(table)


def fmt(rate):
    return "%.2f M" % (rate / 1e6) if rate >= 1e6 else "%.0f k" % (rate / 1e3)


def svg(median, setup):
    colors = {"redis-server": "#c0392b", "mini-redis": "#2c7fb8", "netty": "#7f8c8d"}
    width, bar, gap, top, panel_height = 900, 14, 18, 60, 230
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">'
             % (width, top + panel_height * len(PIPELINES) + 30),
             '<rect width="100%" height="100%" fill="white"/>',
             '<text x="12" y="22" font-size="16" font-weight="bold">mini-redis, redis-server and Netty under redis-benchmark</text>',
             '<text x="12" y="40" fill="#555">%s</text>' % setup]
    for i, name in enumerate(SERVERS):
        parts.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d">%s</text>'
                     % (width - 330 + i * 110, 50, colors[name], width - 314 + i * 110, 61, name))
    for row, p in enumerate(PIPELINES):
        y0 = top + 20 + row * panel_height
        peak = max(median[n][p][t] for n in SERVERS for t in TESTS)
        parts.append('<text x="12" y="%d" font-weight="bold">-P %d (requests/s)</text>' % (y0 + 10, p))
        base = y0 + panel_height - 40
        for j, t in enumerate(TESTS):
            x = 40 + j * (3 * bar + gap + 60)
            for k, name in enumerate(SERVERS):
                h = (panel_height - 70) * median[name][p][t] / peak
                parts.append('<rect x="%d" y="%.1f" width="%d" height="%.1f" fill="%s"><title>%s %s: %s</title></rect>'
                             % (x + k * (bar + 2), base - h, bar, h, colors[name], name, t, fmt(median[name][p][t])))
            parts.append('<text x="%d" y="%d" text-anchor="middle">%s</text>' % (x + 24, base + 16, t))
            parts.append('<text x="%d" y="%d" text-anchor="middle" fill="#2c7fb8">%s</text>'
                         % (x + 24, base + 30, fmt(median["mini-redis"][p][t])))
    parts.append("</svg>\n")
    return "\n".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=300000)
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks/results"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    report(*run(args), args)


if __name__ == "__main__":
    sys.exit(main())
