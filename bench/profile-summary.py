#!/usr/bin/env python3
"""Summarise an async-profiler 'collapsed' CPU profile (bench/profile.sh writes one).

  python3 bench/profile-summary.py target/perf/profile.collapsed
      share of CPU samples by thread (numbers folded, so the 16 delivery threads are one line)
  python3 bench/profile-summary.py target/perf/profile.collapsed 'herald.deliveries' [N]
      within those threads: the N frames with the largest inclusive share (default 40),
      leaving out the frames every stack passes through (thread start, Camel's pipeline plumbing)
"""
import collections
import re
import sys

PLUMBING = re.compile(r"java/lang/Thread\.run|ThreadPoolExecutor|MessageListenerContainer|CamelInternalProcessor|"
                      r"Pipeline|ReactiveExecutor|AsyncProcessorConverterHelper|AsyncProcessorAwaitManager|"
                      r"ErrorHandler|SharedCamelInternalProcessor|start_thread|thread_native_entry|JavaThread|"
                      r"java_start|JavaCalls|call_stub|AsyncProcessorSupport")


def main():
    path = sys.argv[1]
    want = sys.argv[2] if len(sys.argv) > 2 else None
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    total, threads, inclusive = 0, collections.Counter(), collections.Counter()
    for line in open(path):
        stack, _, count = line.rstrip().rpartition(" ")
        n = int(count)
        frames = stack.split(";")
        thread = re.sub(r"\d+", "N", frames[0])
        total += n
        threads[thread] += n
        if want and want in frames[0]:
            seen = set()
            for f in frames[1:]:
                f = re.sub(r"\$\$Lambda.*", "$$Lambda", f)
                if f not in seen and not PLUMBING.search(f):
                    seen.add(f)
                    inclusive[f] += n
    if not want:
        print(f"{total} samples")
        for t, n in threads.most_common(20):
            print(f"{n * 100 / total:5.1f}%  {t}")
        return
    mine = sum(n for t, n in threads.items() if want in t)
    print(f"{want}: {mine * 100 / max(total, 1):.1f}% of all samples; inclusive shares within them:")
    for f, n in inclusive.most_common(top):
        print(f"{n * 100 / max(mine, 1):5.1f}%  {f}")


if __name__ == "__main__":
    main()
