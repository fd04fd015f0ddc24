"""This process's peak resident memory, and a way to start measuring it again (Linux)."""

import resource


def peak_rss_mb() -> float:
    """The high-water mark of this process's resident memory (VmHWM: unlike ru_maxrss, not inherited from a
    forking parent, and reset by `reset_peak_rss`)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_rss() -> None:
    """Lower the high-water mark to the memory held now, so that the next peak is the next step's own."""
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")
