"""The chart ``benchmarks.png``: gradient time / function time of every
library on each workload of the main section (log scale, matplotlib)."""
from benchmarks.peers import LABELS
from benchmarks.timing import paired_ratio

KEYS = ["hand", "srcdiff", "autograd", "torch", "jax", "jax_jit"]
COLORS = {"hand": "#444444", "srcdiff": "#d62728", "autograd": "#1f77b4",
          "torch": "#ff7f0e", "jax": "#2ca02c", "jax_jit": "#98df8a"}


def plot(rows, path, quick, threads):
    """Draw the main section's ``rows`` ((workload, columns) pairs) into
    ``path``; return ``path``."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(max(8, 1.6 * len(rows) + 3), 5))
    width = 0.8 / len(KEYS)
    for j, key in enumerate(KEYS):
        xs, ys = [], []
        for i, (wl, cols) in enumerate(rows):
            by = {c.key: c for c in cols}
            c = by[key]
            if c.timed and cols[0].median:
                xs.append(i + (j - (len(KEYS) - 1) / 2) * width)
                ys.append(paired_ratio(c, cols[0]))
        if xs:
            ax.bar(xs, ys, width, label=LABELS[key], color=COLORS[key])
    ax.set_yscale("log")
    ax.axhline(1.0, color="black", linewidth=0.5)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([wl.name for wl, _ in rows])
    ax.set_ylabel("gradient time / function time (log)")
    ax.set_title("srcdiff gradients vs hand-written and peers "
                 "(%s, threads=%s)" % ("quick" if quick else "full",
                                       threads or "default"))
    ax.legend(fontsize="small", ncol=3)
    ax.grid(axis="y", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
