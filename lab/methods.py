"""The algorithm lab's fits (issue 19): a regression tree, clusters or a classifier of the 50 Current View
items, each compared with the rules on held-out folds. Pure: numpy, pandas and scikit-learn, no ORM.

- Items are int8 codes, -1 = Not known. The tree reads them as ordinal numbers in which Not known is a value
  of its own below None (a split can set it apart); clusters and the classifier read them as indicators
  (sparse 0/1 columns, one per item and answer other than None or No, Not known included: an episode
  with nothing rated is the origin).
- tree: `DecisionTreeRegressor` of appointments, `min_leaf` episodes at least per leaf and `max_leaves`
  leaves at most; each leaf is a group described by its path in plain words.
- clusters: k-means of the indicator profiles for every k in `k_min`..`k_max`, the silhouette of each (on a
  random sample of `silhouette_sample` episodes, Euclidean on the indicators); the comparison uses `k`
  if given, else the k of the highest silhouette (the smaller on a tie). Cluster numbers run from the
  fewest mean appointments.
- classifier: multinomial logistic regression (L2, C=1) of clinicians' allocations on the indicators. It
  is fitted by minimising log-loss, so its `predict_proba` is used as the probability without a further
  calibration step; the held-out Brier score and reliability bins in `calibration` show how far that
  holds on the data. (Gradient boosting was 8 times slower on 100,000 episodes for no gain worth it.)
- Every method: 5-fold `KFold(shuffle=True, random_state=seed)`, the same folds for every row of the
  comparison (lab/comparison.py defines the held-out scores); `random_state=seed` for every estimator.
  The same episodes, parameters and seed give the same result.
- One thread per fit (OpenMP and BLAS limited to 1): the workers fit side by side on a 2-core machine, and
  threads of two fits spinning against each other made a fit about ten times slower in measurements.
"""

import hashlib
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from threadpoolctl import threadpool_limits

from assessments.current_view_items import ALL_ITEMS
from groupings.rules import NOT_KNOWN_CODE
from lab import comparison
from lab.comparison import ComparisonRow, Fold
from lab.descriptions import (
    Condition,
    condition_words,
    high_share,
    item_label,
    narrowed,
    path_words,
    profile_words,
    top_code,
)

# scikit-learn and scipy (about a second of imports) are imported by the functions that fit: this module's
# Params and Episodes are read by forms, models and views that every process loads.
if TYPE_CHECKING:
    from scipy import sparse
    from sklearn.cluster import KMeans
    from sklearn.linear_model import LogisticRegression
    from sklearn.tree import DecisionTreeRegressor

Method = Literal["tree", "clusters", "classifier"]
METHODS: tuple[Method, ...] = ("tree", "clusters", "classifier")
NO_SUGGESTION = "(no suggestion)"  # the rules' label for a Current View with too much Not known
_TOP_CODES = np.array([top_code(item) for item in ALL_ITEMS], dtype=np.int8)
INDICATOR_NAMES = tuple(
    f"{item}={'Not known' if code == NOT_KNOWN_CODE else code}"
    for item, top in zip(ALL_ITEMS, _TOP_CODES, strict=True)
    for code in (NOT_KNOWN_CODE, *range(1, top + 1))
)
_FIRST_COLUMN = np.cumsum([0, *(_TOP_CODES[:-1].astype(np.int64) + 1)])


@dataclass(frozen=True, eq=False)
class Episodes:
    """Closed episodes, one row each: `codes` n x 50 int8 in ALL_ITEMS order (-1 = Not known);
    `appointments` attended; `suggested` the rules version's grouping code (NO_SUGGESTION for none);
    optional `cost` and clinicians' `allocated` grouping codes."""

    codes: np.ndarray
    appointments: np.ndarray
    suggested: np.ndarray
    cost: np.ndarray | None = None
    allocated: np.ndarray | None = None

    def __post_init__(self) -> None:
        codes = np.asarray(self.codes)
        if codes.ndim != 2 or codes.shape[1] != len(ALL_ITEMS):
            raise ValueError(f"codes must be rows x {len(ALL_ITEMS)}, got shape {codes.shape}")
        if len(codes) and ((codes < NOT_KNOWN_CODE).any() or (codes > _TOP_CODES).any()):
            raise ValueError("codes must be -1 (Not known) or a stored rating of the item")
        object.__setattr__(self, "codes", codes.astype(np.int8, copy=False))
        object.__setattr__(self, "appointments", np.asarray(self.appointments, dtype=float))
        object.__setattr__(self, "suggested", np.asarray(self.suggested, dtype=object))
        if self.cost is not None:
            object.__setattr__(self, "cost", np.asarray(self.cost, dtype=float))
        if self.allocated is not None:
            object.__setattr__(self, "allocated", np.asarray(self.allocated, dtype=object))
        for name in ("appointments", "suggested", "cost", "allocated"):
            column = getattr(self, name)
            if column is not None and len(column) != len(codes):
                raise ValueError(f"{name} has {len(column)} rows, codes have {len(codes)}")

    @property
    def n(self) -> int:
        return len(self.codes)

    def fingerprint(self) -> str:
        """SHA-256 of the episodes' contents: equal data, equal fingerprint (for a run's data snapshot)."""
        digest = hashlib.sha256()
        digest.update(np.ascontiguousarray(self.codes).tobytes())
        digest.update(self.appointments.tobytes())
        digest.update("\x1f".join(map(str, self.suggested)).encode())
        digest.update(b"-" if self.cost is None else self.cost.tobytes())
        digest.update(b"-" if self.allocated is None else "\x1f".join(map(str, self.allocated)).encode())
        return digest.hexdigest()


@dataclass(frozen=True)
class Params:
    """Every method's parameters (each method reads its own)."""

    folds: int = 5
    min_leaf: int = 30
    max_leaves: int = 12
    k_min: int = 2
    k_max: int = 8
    k: int | None = None
    n_init: int = 3
    silhouette_sample: int = 5000

    def checked(self, method: str, n: int) -> "Params":
        """Self, or ValueError saying which parameter cannot be used for `method` on `n` episodes."""
        if method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
        if self.folds < 2:
            raise ValueError("folds must be at least 2")
        if n < 2 * self.folds:
            raise ValueError(
                f"{n} episodes are too few: at least {2 * self.folds} are needed for {self.folds} folds"
            )
        if method == "tree" and (self.min_leaf < 1 or self.max_leaves < 2):
            raise ValueError("min_leaf must be at least 1 and max_leaves at least 2")
        if method == "clusters":
            if not 2 <= self.k_min <= self.k_max:
                raise ValueError("the range of k must run from at least 2 up to at least k_min")
            if self.k is not None and not self.k_min <= self.k <= self.k_max:
                raise ValueError(f"k must lie in the range tried, {self.k_min} to {self.k_max}")
            if n <= self.k_max * self.folds:
                raise ValueError(f"{n} episodes are too few for {self.k_max} clusters in {self.folds} folds")
        return self


@dataclass(frozen=True)
class Group:
    """One leaf, cluster or allocated grouping: its episodes and their resource use, in plain words."""

    label: str
    size: int
    mean_appointments: float
    mean_cost: float | None
    description: str
    conditions: tuple[Condition, ...] = ()

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "label": self.label,
            "size": self.size,
            "mean_appointments": self.mean_appointments,
            "mean_cost": self.mean_cost,
            "description": self.description,
        }
        if self.conditions:
            found["conditions"] = [c.to_json() for c in self.conditions]
        return found


@dataclass(frozen=True, eq=False)
class FittedModel:
    """The estimator fitted on every episode, with what turns its output into group labels; joblib-able."""

    method: Method
    estimator: Any
    label_of: dict[Any, str]  # tree: node id -> leaf label; clusters: k-means label -> cluster label

    def features(self, codes: np.ndarray) -> np.ndarray:
        return ordinal(codes) if self.method == "tree" else indicators(codes)

    def apply(self, codes: np.ndarray) -> np.ndarray:
        """Group labels (object array) of rows x 50 codes: a leaf, a cluster or a predicted grouping code."""
        if self.method == "classifier":
            return self.estimator.predict(self.features(codes)).astype(object)
        raw = self.estimator.apply if self.method == "tree" else self.estimator.predict
        return np.array([self.label_of[int(v)] for v in raw(self.features(codes))], dtype=object)

    def probabilities(self, codes: np.ndarray) -> tuple[list[str], np.ndarray]:
        """The classifier's groupings and their probabilities per row (rows x groupings)."""
        if self.method != "classifier":
            raise ValueError("only a classifier gives probabilities")
        return list(self.estimator.classes_), self.estimator.predict_proba(self.features(codes))


@dataclass(frozen=True, eq=False)
class FitResult:
    """A fit and its comparison with the rules. `scores` holds cv_r2 (held-out R^2 of appointments by the
    method's groups), cv_cost_r2, rules_eta2 (held-out) and rules_eta2_in_sample, and for the classifier
    cv_accuracy, cv_kappa, rules_accuracy, rules_kappa (against the allocations)."""

    method: Method
    n: int
    seed: int
    params: Params
    model: FittedModel
    comparison: tuple[ComparisonRow, ...]
    groups: tuple[Group, ...]
    scores: dict[str, float | None]
    silhouettes: dict[int, float] = field(default_factory=dict)
    chosen_k: int | None = None
    confusion: dict[str, Any] | None = None
    calibration: dict[str, Any] | None = None
    tree: tuple[dict[str, Any], ...] = ()

    def charts(self) -> dict[str, Any]:
        """Chart data for the run's page: explained variance by grouping, and the tree, silhouettes or
        confusion matrix of the method."""
        found: dict[str, Any] = {
            "explained_variance": [
                {"grouping_by": r.grouping_by, "appointments": r.appointments_r2, "cost": r.cost_r2}
                for r in self.comparison
            ]
        }
        if self.tree:
            found["tree"] = list(self.tree)
        if self.silhouettes:
            found["silhouette"] = [{"k": k, "silhouette": s} for k, s in self.silhouettes.items()]
        if self.confusion:
            found["confusion"] = self.confusion
        return found

    def to_json(self) -> dict[str, Any]:
        """Everything but the estimator, as JSON values; floats rounded to 6 decimals."""
        return _rounded(
            {
                "method": self.method,
                "n": self.n,
                "seed": self.seed,
                "params": asdict(self.params),
                **self.scores,
                "comparison": [asdict(r) for r in self.comparison],
                "groups": [g.to_json() for g in self.groups],
                "silhouettes": {str(k): s for k, s in self.silhouettes.items()} or None,
                "chosen_k": self.chosen_k,
                "confusion": self.confusion,
                "calibration": self.calibration,
                "charts": self.charts(),
            }
        )


def fit(method: Method, episodes: Episodes, *, seed: int, params: Params | None = None) -> FitResult:
    """Fit `method` on `episodes` and compare it with the rules (and the allocations when given)."""
    from sklearn.model_selection import KFold

    params = (params or Params()).checked(method, episodes.n)
    splits = list(KFold(n_splits=params.folds, shuffle=True, random_state=seed).split(episodes.codes))
    baseline = [_fixed_row("rules", episodes.suggested, splits, episodes)]
    if episodes.allocated is not None:
        baseline.append(_fixed_row("clinicians' allocations", episodes.allocated, splits, episodes))
    fitter = {"tree": _fit_tree, "clusters": _fit_clusters, "classifier": _fit_classifier}[method]
    with threadpool_limits(limits=1):
        return fitter(episodes, seed, params, splits, baseline)


def ordinal(codes: np.ndarray) -> np.ndarray:
    """The tree's features: the codes as numbers, Not known (-1) below None (0)."""
    return np.asarray(codes, dtype=np.float32)


def indicators(codes: np.ndarray) -> "sparse.csr_matrix":
    """rows x INDICATOR_NAMES sparse 0/1: per item, Not known, then each rating 1..top (None/No is all 0)."""
    from scipy import sparse

    codes = np.asarray(codes)
    rows, items = np.nonzero(codes)
    answers = codes[rows, items].astype(np.int64)
    columns = _FIRST_COLUMN[items] + np.where(answers == NOT_KNOWN_CODE, 0, answers)
    return sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(codes), len(INDICATOR_NAMES)))


def _fixed_row(name: str, labels: np.ndarray, splits: list, episodes: Episodes) -> ComparisonRow:
    folds = comparison.fixed_folds(labels.astype(str), splits)
    row = comparison.row(name, labels.astype(str), folds, episodes.appointments, episodes.cost)
    if name == "rules" and episodes.allocated is not None:
        accuracy, kappa = comparison.agreement_with(episodes.allocated, labels)
        row = ComparisonRow(**{**asdict(row), "accuracy": accuracy, "kappa": kappa})
    return row


def _scores(rows: list[ComparisonRow], method_row: ComparisonRow) -> dict[str, float | None]:
    rules = rows[0]
    return {
        "cv_r2": method_row.appointments_r2,
        "cv_cost_r2": method_row.cost_r2,
        "rules_eta2": rules.appointments_r2,
        "rules_eta2_in_sample": rules.appointments_eta2,
    }


# The tree -----------------------------------------------------------------------------------------------


def _tree(params: Params, seed: int) -> "DecisionTreeRegressor":
    from sklearn.tree import DecisionTreeRegressor

    return DecisionTreeRegressor(
        min_samples_leaf=params.min_leaf, max_leaf_nodes=params.max_leaves, random_state=seed
    )


def _fit_tree(episodes: Episodes, seed: int, params: Params, splits: list, rows: list) -> FitResult:
    x, y = ordinal(episodes.codes), episodes.appointments
    folds = []
    for train, test in splits:
        fold_tree = _tree(params, seed).fit(x[train], y[train])
        folds.append(Fold(train, test, fold_tree.apply(x[train]), fold_tree.apply(x[test])))
    tree = _tree(params, seed).fit(x, y)
    nodes, leaves = _tree_nodes(tree, episodes)
    label_of = {node: leaf.label for node, leaf in leaves.items()}
    labels = np.array([label_of[int(node)] for node in tree.apply(x)], dtype=object)
    row = comparison.row("tree leaves", labels, folds, y, episodes.cost)
    rows = [*rows, row]
    return FitResult(
        method="tree",
        n=episodes.n,
        seed=seed,
        params=params,
        model=FittedModel("tree", tree, label_of),
        comparison=tuple(rows),
        groups=tuple(leaves.values()),
        scores=_scores(rows, row),
        tree=tuple(nodes),
    )


def _tree_nodes(tree: "DecisionTreeRegressor", episodes: Episodes) -> tuple[list[dict], dict[int, Group]]:
    """The chart's nodes (pre-order, as scikit-learn numbers them) and a Group per leaf, L1 leftmost."""
    t = tree.tree_
    node_of_row = tree.apply(ordinal(episodes.codes))
    nodes: list[dict[str, Any]] = []
    leaves: dict[int, Group] = {}
    paths: dict[int, dict[str, Condition]] = {0: {}}
    depth = {0: 0}
    for node in range(t.node_count):
        conditions = paths[node]
        entry: dict[str, Any] = {
            "id": node,
            "depth": depth[node],
            "size": int(t.n_node_samples[node]),
            "mean_appointments": float(t.value[node].ravel()[0]),
        }
        left, right = int(t.children_left[node]), int(t.children_right[node])
        if left == -1:
            label = f"L{len(leaves) + 1}"
            members = node_of_row == node
            path = tuple(conditions[item] for item in ALL_ITEMS if item in conditions)
            leaves[node] = Group(
                label=label,
                size=int(members.sum()),
                mean_appointments=float(episodes.appointments[members].mean()),
                mean_cost=None if episodes.cost is None else float(episodes.cost[members].mean()),
                description=path_words(list(path)),
                conditions=path,
            )
            entry["leaf"] = label
        else:
            item, threshold = ALL_ITEMS[int(t.feature[node])], int(np.floor(t.threshold[node]))
            paths[left] = narrowed(conditions, item, at_most=threshold, above=None)
            paths[right] = narrowed(conditions, item, at_most=None, above=threshold)
            depth[left] = depth[right] = depth[node] + 1
            entry.update(
                item=item,
                name=item_label(item),
                left=left,
                right=right,
                left_words=condition_words(Condition(item, NOT_KNOWN_CODE, threshold)),
                right_words=condition_words(Condition(item, threshold + 1, top_code(item))),
            )
        nodes.append(entry)
    return nodes, leaves


# Clusters -----------------------------------------------------------------------------------------------


def _kmeans(k: int, params: Params, seed: int) -> "KMeans":
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=params.n_init, random_state=seed)


def _fit_clusters(episodes: Episodes, seed: int, params: Params, splits: list, rows: list) -> FitResult:
    from sklearn.metrics import silhouette_score

    x, y = indicators(episodes.codes), episodes.appointments
    sample = min(episodes.n, params.silhouette_sample)
    fitted, silhouettes = {}, {}
    for k in range(params.k_min, params.k_max + 1):
        fitted[k] = _kmeans(k, params, seed).fit(x)
        silhouettes[k] = float(silhouette_score(x, fitted[k].labels_, sample_size=sample, random_state=seed))
    chosen = params.k or max(silhouettes, key=lambda k: (silhouettes[k], -k))
    folds = []
    for train, test in splits:
        fold_model = _kmeans(chosen, params, seed).fit(x[train])
        folds.append(Fold(train, test, fold_model.labels_, fold_model.predict(x[test])))
    model = fitted[chosen]
    raw = model.labels_
    means = np.bincount(raw, weights=y, minlength=chosen) / np.maximum(np.bincount(raw, minlength=chosen), 1)
    label_of = {int(c): f"C{rank + 1}" for rank, c in enumerate(np.argsort(means, kind="stable"))}
    labels = np.array([label_of[int(c)] for c in raw], dtype=object)
    row = comparison.row(f"clusters (k={chosen})", labels, folds, y, episodes.cost)
    rows = [*rows, row]
    overall = high_share(episodes.codes)
    groups = []
    for c in sorted(label_of, key=lambda c: int(label_of[c][1:])):
        members = raw == c
        groups.append(
            Group(
                label=label_of[c],
                size=int(members.sum()),
                mean_appointments=float(y[members].mean()),
                mean_cost=None if episodes.cost is None else float(episodes.cost[members].mean()),
                description=profile_words(high_share(episodes.codes[members]), overall),
            )
        )
    return FitResult(
        method="clusters",
        n=episodes.n,
        seed=seed,
        params=params,
        model=FittedModel("clusters", model, label_of),
        comparison=tuple(rows),
        groups=tuple(groups),
        scores=_scores(rows, row),
        silhouettes=silhouettes,
        chosen_k=chosen,
    )


# The classifier -----------------------------------------------------------------------------------------


def _classifier(seed: int) -> "LogisticRegression":
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=1000, random_state=seed)


def _fit_classifier(episodes: Episodes, seed: int, params: Params, splits: list, rows: list) -> FitResult:
    if episodes.allocated is None:
        raise ValueError(
            "the classifier learns clinicians' allocations: the episodes need allocated groupings"
        )
    target = episodes.allocated.astype(str)
    classes = np.unique(target)
    if len(classes) < 2:
        raise ValueError("the classifier needs allocations to at least two groupings")
    x, y = indicators(episodes.codes), episodes.appointments
    predicted = np.empty(episodes.n, dtype=object)
    probability = np.zeros((episodes.n, len(classes)))
    folds = []
    for train, test in splits:
        if len(np.unique(target[train])) < 2:
            raise ValueError("a training fold holds allocations to a single grouping: too few episodes")
        model = _classifier(seed).fit(x[train], target[train])
        predicted[test] = model.predict(x[test])
        probability[np.ix_(test, np.searchsorted(classes, model.classes_))] = model.predict_proba(x[test])
        folds.append(Fold(train, test, model.predict(x[train]), predicted[test].astype(str)))
    model = _classifier(seed).fit(x, target)
    row = comparison.row(
        "classifier", predicted.astype(str), folds, y, episodes.cost, allocated=target, predicted=predicted
    )
    rows = [*rows, row]
    rules_row = rows[0]
    scores = {
        **_scores(rows, row),
        "cv_accuracy": row.accuracy,
        "cv_kappa": row.kappa,
        "rules_accuracy": rules_row.accuracy,
        "rules_kappa": rules_row.kappa,
    }
    return FitResult(
        method="classifier",
        n=episodes.n,
        seed=seed,
        params=params,
        model=FittedModel("classifier", model, {}),
        comparison=tuple(rows),
        groups=tuple(_allocated_groups(episodes, target, predicted.astype(str), classes)),
        scores=scores,
        confusion=_confusion(target, predicted.astype(str), classes),
        calibration=_calibration(target, probability, classes),
    )


def _allocated_groups(
    episodes: Episodes, target: np.ndarray, predicted: np.ndarray, classes: np.ndarray
) -> list[Group]:
    groups = []
    for code in classes:
        members = target == code
        recall = float((predicted[members] == code).mean())
        groups.append(
            Group(
                label=str(code),
                size=int(members.sum()),
                mean_appointments=float(episodes.appointments[members].mean()),
                mean_cost=None if episodes.cost is None else float(episodes.cost[members].mean()),
                description=(
                    f"allocated {code} by clinicians; the classifier, held out, predicts {code} for "
                    f"{recall:.0%} of them and for {int((predicted == code).sum())} episodes in all"
                ),
            )
        )
    return groups


def _confusion(target: np.ndarray, predicted: np.ndarray, classes: np.ndarray) -> dict[str, Any]:
    """Held-out counts: rows are clinicians' allocations, columns the classifier's predictions."""
    matrix = np.zeros((len(classes), len(classes)), dtype=np.int64)
    np.add.at(matrix, (np.searchsorted(classes, target), np.searchsorted(classes, predicted)), 1)
    return {
        "labels": classes.tolist(),
        "rows": "allocated by clinicians",
        "columns": "predicted (held out)",
        "matrix": matrix.tolist(),
    }


def _calibration(target: np.ndarray, probability: np.ndarray, classes: np.ndarray, bins: int = 10) -> dict:
    """Held-out multiclass Brier score, and per tenth of the top probability: episodes, mean top
    probability and the share in which the top grouping is the allocated one."""
    truth = target[:, None] == classes[None, :]
    brier = float(((probability - truth) ** 2).sum(axis=1).mean())
    top = probability.max(axis=1)
    right = classes[probability.argmax(axis=1)] == target
    edges = np.minimum((top * bins).astype(int), bins - 1)
    reliability = [
        {
            "from": b / bins,
            "to": (b + 1) / bins,
            "episodes": int((edges == b).sum()),
            "mean_probability": float(top[edges == b].mean()),
            "share_right": float(right[edges == b].mean()),
        }
        for b in range(bins)
        if (edges == b).any()
    ]
    error = sum(r["episodes"] * abs(r["share_right"] - r["mean_probability"]) for r in reliability) / len(
        target
    )
    return {"brier": brier, "expected_calibration_error": float(error), "reliability": reliability}


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return None if np.isnan(value) else round(value, 6)
    if isinstance(value, dict):
        return {key: _rounded(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return _rounded(float(value))
    return value
