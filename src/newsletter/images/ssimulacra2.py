"""SSIMULACRA2, the perceptual image-quality score (0–100, 100 = identical) by Jon Sneyers,
in numpy, fast enough to search for the lowest JPEG quality a photo can take.

It agrees with the `ssimulacra2` package on PyPI (0.3.x) — the reference this port is
tested against — not with libjxl's tool, where the two differ:

- the Gaussian blur (sigma 1.5, 11 taps) treats the area left and right of the image as zero
  and mirrors the image at its top and bottom edge (the package's layout does that);
- a 2×2 downsampling averages only the pixels there are at an odd right or bottom edge;
- an image with fewer than 6 scales (a side under 8 px at some scale) reads the weights in
  the package's order, which shifts them.

Speed comes from three things. Everything about the original (its XYB planes, their blurred
means and variances at each scale) is computed once, in `Reference`, and reused for every
candidate. The pooled terms whose weight is below `NEGLIGIBLE_WEIGHT` (83 of the 108, all but
25) are not computed at all: that leaves only the Y channel at full resolution and removes
about two thirds of the work while moving the score by less than 0.01. And the blurs are
separable products with small banded blocks through BLAS, in float32.

An image smaller than 8×8 pixels has no scale to measure: the package scores it 100 whatever
the candidate; here it is a ValueError.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from PIL import Image

Plane = npt.NDArray[np.float32]

NUM_SCALES = 6
MIN_SIDE = 8  # a scale with a side shorter than this is not measured, nor any after it
NEGLIGIBLE_WEIGHT = 0.01  # pooled terms weighted less than this are left out
SIGMA = 1.5
RADIUS = 5  # taps either side of the centre: scipy's int(3.33 * 1.5 + 0.5) in the package
C2 = 0.0009
BLOCK = 32  # block size of the banded blur products (at least 2 * RADIUS)

# The opsin absorbance matrix and bias of XYB (libjxl's opsin_params.h).
OPSIN = np.array(
    [
        [0.30, 1.0 - 0.078 - 0.30, 0.078],
        [0.23, 1.0 - 0.078 - 0.23, 0.078],
        [
            0.24342268924547819,
            0.20476744424496821,
            1.0 - 0.24342268924547819 - 0.20476744424496821,
        ],
    ],
    dtype=np.float64,
)
OPSIN_BIAS = 0.0037930732552754493
OPSIN32 = OPSIN.astype(np.float32)

# The metric's 108 pooling weights, in the order they are read: channel (X, Y, B), then scale,
# then norm (L1, L4), then kind (SSIM, ringing artefact, lost detail).
WEIGHTS = (
    0.0, 0.0007376606707406586, 0.0, 0.0, 0.0007793481682867309, 0.0, 0.0, 0.0004371155730107379,
    0.0, 1.1041726426657346, 0.00066284834129271, 0.00015231632783718752, 0.0,
    0.0016406437456599754, 0.0, 1.8422455520539298, 11.441172603757666, 0.0, 0.0007989109436015163,
    0.000176816438078653, 0.0, 1.8787594979546387, 10.94906990605142, 0.0, 0.0007289346991508072,
    0.9677937080626833, 0.0, 0.00014003424285435884, 0.9981766977854967, 0.00031949755934435053,
    0.0004550992113792063, 0.0, 0.0, 0.0013648766163243398, 0.0, 0.0, 0.0, 0.0, 0.0,
    7.466890328078848, 0.0, 17.445833984131262, 0.0006235601634041466, 0.0, 0.0, 6.683678146179332,
    0.00037724407979611296, 1.027889937768264, 225.20515300849274, 0.0, 0.0, 19.213238186143016,
    0.0011401524586618361, 0.001237755635509985, 176.39317598450694, 0.0, 0.0, 24.43300999870476,
    0.28520802612117757, 0.0004485436923833408, 0.0, 0.0, 0.0, 34.77906344483772,
    44.835625328877896, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0008680556573291698, 0.0, 0.0,
    0.0, 0.0, 0.0, 0.0005313191874358747, 0.0, 0.00016533814161379112, 0.0, 0.0, 0.0, 0.0, 0.0,
    0.0004179171803251336, 0.0017290828234722833, 0.0, 0.0020827005846636437, 0.0, 0.0,
    8.826982764996862, 23.19243343998926, 0.0, 95.1080498811086, 0.9863978034400682,
    0.9834382792465353, 0.0012286405048278493, 171.2667255897307, 0.9807858872435379, 0.0, 0.0, 0.0,
    0.0005130064588990679, 0.0, 0.00010854057858411537,
)  # fmt: skip
SSIM, ARTEFACT, DETAIL = 0, 1, 2  # the kinds of pooled term, in the order of the weights
NORMS = (1, 4)


def _srgb_to_linear_table() -> Plane:
    """Linear light of each 8-bit sRGB value."""
    value = np.arange(256, dtype=np.float64) / 255.0
    linear = np.where(value <= 0.04045, value / 12.92, ((value + 0.055) / 1.055) ** 2.4)
    return linear.astype(np.float32)


SRGB_TO_LINEAR = _srgb_to_linear_table()


def scale_sizes(height: int, width: int) -> list[tuple[int, int]]:
    """The (height, width) of each scale that is measured: halved (rounded up) each time,
    until a side is shorter than MIN_SIDE or there are NUM_SCALES of them."""
    sizes: list[tuple[int, int]] = []
    while len(sizes) < NUM_SCALES and height >= MIN_SIDE and width >= MIN_SIDE:
        sizes.append((height, width))
        height, width = (height + 1) // 2, (width + 1) // 2
    return sizes


@dataclass(frozen=True)
class Term:
    """One pooled term: the mean (norm 1) or 4-norm of a kind of map, at a scale, in a channel."""

    scale: int
    channel: int
    kind: int
    norm: int
    weight: float


def pooled_terms(scales: int, threshold: float = NEGLIGIBLE_WEIGHT) -> list[Term]:
    """The terms worth computing for an image with `scales` scales: those with a weight of at
    least `threshold` (and never one weighted 0). Weights are read in the metric's order, which
    shifts when there are fewer than NUM_SCALES scales."""
    terms = []
    index = 0
    for channel in range(3):
        for scale in range(scales):
            for norm in NORMS:
                for kind in (SSIM, ARTEFACT, DETAIL):
                    weight = WEIGHTS[index]
                    index += 1
                    if weight > 0 and weight >= threshold:
                        terms.append(Term(scale, channel, kind, norm, weight))
    return terms


def final_score(weighted_sum: float) -> float:
    """The 0–100 score from the weighted sum of the pooled terms."""
    x = weighted_sum * 0.9562382616834844
    x = 2.326765642916932 * x - 0.020884521182843837 * x * x + 6.248496625763138e-05 * x * x * x
    if x <= 0:
        return 100.0
    return 100.0 - 10.0 * math.pow(x, 0.6276336467831387)


def rgb_array(image: Image.Image) -> npt.NDArray[np.uint8]:
    """The image's 8-bit sRGB pixels, (height, width, 3); any other mode converted to RGB."""
    if image.mode != "RGB":
        image = image.convert("RGB")
    return np.asarray(image, dtype=np.uint8)


def linear_planes(rgb: npt.NDArray[np.uint8]) -> Plane:
    """Linear-light R, G and B planes, (3, height, width), contiguous."""
    return SRGB_TO_LINEAR[np.ascontiguousarray(rgb.transpose(2, 0, 1))]


def downsample(linear: Plane) -> Plane:
    """Each 2×2 block averaged; at an odd right or bottom edge, the 2×1, 1×2 or 1×1 block of
    pixels that is there. `linear` is contiguous, and so is the result."""
    _, height, width = linear.shape
    even_h, even_w = height - height % 2, width - width % 2
    # Pairs of rows summed (an odd last row doubled), then pairs of columns, then a quarter.
    rows = np.empty((3, (height + 1) // 2, width), dtype=np.float32)
    np.add(linear[:, 0:even_h:2], linear[:, 1:even_h:2], out=rows[:, : even_h // 2])
    if height % 2:
        np.multiply(linear[:, -1], 2, out=rows[:, -1])
    out = np.empty((3, (height + 1) // 2, (width + 1) // 2), dtype=np.float32)
    np.add(rows[..., 0:even_w:2], rows[..., 1:even_w:2], out=out[..., : even_w // 2])
    if width % 2:
        np.multiply(rows[..., -1], 2, out=out[..., -1])
    out *= 0.25
    return out


def xyb_planes(linear: Plane, channels: set[int], out: dict[int, Plane]) -> None:
    """The positive XYB planes (X·14 + 0.42, Y + 0.01, B − Y + 0.55) of linear RGB, for the
    channels named, written into `out[channel]` (each the image's shape)."""
    _, height, width = linear.shape
    rows = 3 if 2 in channels else 2
    mixed = (OPSIN32[:rows] @ linear.reshape(3, -1)).reshape(rows, height, width)
    mixed += np.float32(OPSIN_BIAS)
    # The opsin mix is positive (all entries and the bias are), so its cube root needs no clamp.
    np.cbrt(mixed, out=mixed)
    # The bias's cube root, subtracted from each, cancels out of X and B.
    root_bias = np.float32(np.cbrt(OPSIN_BIAS))
    if 0 in channels:
        plane = out[0]
        np.subtract(mixed[0], mixed[1], out=plane)
        plane *= 7.0
        plane += 0.42
    if 1 in channels or 2 in channels:
        luma = np.add(mixed[0], mixed[1])
        luma *= 0.5
        if 2 in channels:
            np.subtract(mixed[2], luma, out=out[2])
            out[2] += 0.55
        if 1 in channels:
            np.add(luma, 0.01 - root_bias, out=out[1])


def gaussian_taps() -> npt.NDArray[np.float64]:
    """The blur's 2 * RADIUS + 1 normalised taps."""
    offsets = np.arange(-RADIUS, RADIUS + 1, dtype=np.float64)
    taps: npt.NDArray[np.float64] = np.exp(-0.5 * (offsets / SIGMA) ** 2)
    taps /= taps.sum()
    return taps


def block_matrices(block: int) -> tuple[Plane, Plane]:
    """The blur over blocks of `block` samples laid end to end, with RADIUS samples of margin
    before the first: `inner[i, j]` weighs input i of a block into its output j (output j is
    centred on input j + RADIUS), and `outer[i, j]` weighs input i of the next block into
    output block - 2 * RADIUS + j, the only outputs it reaches."""
    taps = gaussian_taps()
    span = 2 * RADIUS
    inputs = np.arange(block + span)[:, None]
    offsets = inputs - np.arange(block)[None, :]  # input i is tap i - j of output j
    full = np.where((offsets >= 0) & (offsets <= span), taps[np.clip(offsets, 0, span)], 0.0)
    inner = np.ascontiguousarray(full[:block], dtype=np.float32)
    outer = np.ascontiguousarray(full[block:, block - span :], dtype=np.float32)
    return inner, outer


def blocks_for(length: int) -> tuple[int, int]:
    """(block size, number of blocks) covering `length` samples plus a margin of 2 * RADIUS."""
    padded = length + 2 * RADIUS
    if padded <= BLOCK:
        return padded, 1
    return BLOCK, -(-padded // BLOCK)


@dataclass
class Blur:
    """The separable Gaussian blur of a stack of (height, width) planes: zero beyond the left and
    right edges, mirrored (edge pixel repeated) beyond the top and bottom.

    A row is laid out with RADIUS zeros before it and at least RADIUS after, cut into blocks; each
    block's outputs are one product with a small banded matrix plus a product of the next block's
    first 2 * RADIUS samples into its last 2 * RADIUS outputs. Columns, the same way, after the
    mirrored rows are put in place."""

    height: int
    width: int
    planes: int
    row_block: int = field(init=False)
    row_blocks: int = field(init=False)
    column_block: int = field(init=False)
    column_blocks: int = field(init=False)
    rows: Plane = field(init=False)  # the input, each row padded
    columns: Plane = field(init=False)  # the rows blurred, each column padded
    result: Plane = field(init=False)
    row_inner: Plane = field(init=False)
    row_outer: Plane = field(init=False)
    column_inner: Plane = field(init=False)
    column_outer: Plane = field(init=False)

    def __post_init__(self) -> None:
        self.row_block, self.row_blocks = blocks_for(self.width)
        self.column_block, self.column_blocks = blocks_for(self.height)
        padded_width = self.row_block * self.row_blocks
        padded_height = self.column_block * self.column_blocks
        self.rows = np.zeros((self.planes, self.height, padded_width), dtype=np.float32)
        self.columns = np.zeros((self.planes, padded_height, padded_width), dtype=np.float32)
        self.result = np.empty_like(self.columns)
        self.row_inner, self.row_outer = block_matrices(self.row_block)
        inner, outer = block_matrices(self.column_block)
        self.column_inner, self.column_outer = np.ascontiguousarray(inner.T), outer.T.copy()

    def input(self, plane: int) -> Plane:
        """Where to write plane number `plane` of the input, (height, width)."""
        return self.rows[plane, :, RADIUS : RADIUS + self.width]

    def run(self) -> Plane:
        """Blur the planes written with `input`: (planes, height, width), valid until the next
        run."""
        span = 2 * RADIUS
        height, width, planes = self.height, self.width, self.planes
        # Rows: output j of the image's row is at j, its input at j + RADIUS.
        block = self.row_block
        into = self.columns[:, RADIUS : RADIUS + height].reshape(planes, -1, block, copy=False)
        rows = self.rows.reshape(planes, -1, block)
        np.matmul(rows, self.row_inner, out=into)
        if self.row_blocks > 1:
            # A row's last block takes the next row's first samples too, harmlessly: the row
            # has at least RADIUS zeros after it, so the outputs they reach are past its end.
            into[:, :-1, block - span :] += rows[:, 1:, :span] @ self.row_outer
        # Mirror the top and bottom RADIUS rows (scipy's "reflect": the edge row repeated).
        columns = self.columns
        columns[:, :RADIUS] = columns[:, RADIUS : 2 * RADIUS][:, ::-1]
        columns[:, RADIUS + height : span + height] = columns[:, height : RADIUS + height][:, ::-1]
        # Columns: the same with blocks of rows.
        block = self.column_block
        stacked = columns.reshape(-1, block, columns.shape[2])
        result = self.result.reshape(stacked.shape)
        np.matmul(self.column_inner, stacked, out=result)
        if self.column_blocks > 1:
            result[:-1, block - span :] += self.column_outer @ stacked[1:, :span]
        return self.result[:, :height, :width]


def pool(values: Plane, norms: set[int], into: dict[int, float]) -> None:
    """The mean (norm 1) and the 4-norm of a map, as asked; `values` is overwritten."""
    if 1 in norms:
        into[1] = float(values.mean())
    if 4 in norms:
        np.square(values, out=values)
        np.square(values, out=values)
        into[4] = float(values.mean()) ** 0.25


@dataclass
class SsimPlanes:
    """The original's part of a channel's SSIM map, and where the candidate's blurs are."""

    twice_image: Plane  # 2 · the original's plane
    twice_mean: Plane  # 2 · its blur
    variance: Plane  # blur(image²) − mean²
    square_slot: int  # blur(candidate²)
    product_slot: int  # blur(2 · original · candidate)


@dataclass
class ChannelOfScale:
    """What the score needs of one channel of the original at one scale."""

    channel: int
    norms: dict[int, set[int]]  # the norms pooled of each kind of map (SSIM, ARTEFACT, DETAIL)
    image: Plane  # the original's XYB plane
    mean: Plane  # its blur
    mean_slot: int  # the candidate's in the scale's blur
    ssim: SsimPlanes | None
    edge: Plane | None  # for the edge maps: 1 + |image − mean|


@dataclass
class Scale:
    """One scale of the original, and the blur its candidates go through."""

    height: int
    width: int
    channels: list[ChannelOfScale]
    blur: Blur


class Reference:
    """An original (PIL RGB image, 8-bit sRGB), prepared once: its XYB planes, their blurs and
    means at each of the 6 scales, reused for every candidate.

    `threshold`: pooled terms weighted less than this are not computed (0 computes them all).
    One Reference scores one candidate at a time (it reuses its buffers; calls are serialised).
    """

    def __init__(self, original: Image.Image, *, threshold: float = NEGLIGIBLE_WEIGHT) -> None:
        rgb = rgb_array(original)
        height, width = rgb.shape[:2]
        if height < MIN_SIDE or width < MIN_SIDE:
            raise ValueError(
                f"SSIMULACRA2 needs an image of at least {MIN_SIDE}×{MIN_SIDE} pixels, "
                f"not {width}×{height}"
            )
        self.size = (width, height)
        sizes = scale_sizes(height, width)
        self.terms = pooled_terms(len(sizes), threshold)
        used = max((term.scale for term in self.terms), default=-1) + 1
        self.scales: list[Scale] = []
        linear = linear_planes(rgb)
        for number, (scale_height, scale_width) in enumerate(sizes[:used]):
            if number:
                linear = downsample(linear)
            self.scales.append(self._prepare(number, linear, scale_height, scale_width))
        self._lock = threading.Lock()

    def _prepare(self, number: int, linear: Plane, height: int, width: int) -> Scale:
        norms: dict[tuple[int, int], set[int]] = {}
        for term in self.terms:
            if term.scale == number:
                norms.setdefault((term.channel, term.kind), set()).add(term.norm)
        wanted = sorted({channel for channel, _ in norms})
        images = {channel: np.empty((height, width), dtype=np.float32) for channel in wanted}
        xyb_planes(linear, set(wanted), images)
        ssim = [channel for channel in wanted if (channel, SSIM) in norms]
        # The candidate's blur, of each plane, its square and its product with the original's
        # (doubled), blurs the original's planes and squares first: the very same products give
        # the very same sums, so that an identical candidate scores exactly 100.
        blur = Blur(height, width, len(wanted) + 2 * len(ssim))
        square_slot = {channel: len(wanted) + 2 * index for index, channel in enumerate(ssim)}
        for slot, channel in enumerate(wanted):
            blur.input(slot)[...] = images[channel]
            if channel in square_slot:
                np.square(images[channel], out=blur.input(square_slot[channel]))
        blurred = blur.run()
        channels = []
        for slot, channel in enumerate(wanted):
            image = images[channel]
            mean = np.ascontiguousarray(blurred[slot])
            ssim_planes = None
            if channel in square_slot:
                variance = blurred[square_slot[channel]] - np.square(mean)
                ssim_planes = SsimPlanes(
                    image * np.float32(2),
                    mean * np.float32(2),
                    variance,
                    square_slot[channel],
                    square_slot[channel] + 1,
                )
            edge = None
            if (channel, ARTEFACT) in norms or (channel, DETAIL) in norms:
                edge = np.subtract(image, mean)
                np.abs(edge, out=edge)
                edge += 1
            kinds = {kind: norms.get((channel, kind), set()) for kind in (SSIM, ARTEFACT, DETAIL)}
            channels.append(ChannelOfScale(channel, kinds, image, mean, slot, ssim_planes, edge))
        return Scale(height, width, channels, blur)

    def score(self, candidate: Image.Image) -> float:
        """The SSIMULACRA2 score of `candidate` (the same size) against the original."""
        rgb = rgb_array(candidate)
        if (rgb.shape[1], rgb.shape[0]) != self.size:
            raise ValueError(
                f"the candidate is {rgb.shape[1]}×{rgb.shape[0]}, the original "
                f"{self.size[0]}×{self.size[1]}"
            )
        with self._lock:
            pooled = self._pool(rgb)
        total = sum(
            term.weight * abs(pooled[term.scale, term.channel, term.kind][term.norm])
            for term in self.terms
        )
        return final_score(total)

    def _pool(self, rgb: npt.NDArray[np.uint8]) -> dict[tuple[int, int, int], dict[int, float]]:
        pooled: dict[tuple[int, int, int], dict[int, float]] = {}
        linear = linear_planes(rgb)
        for number, scale in enumerate(self.scales):
            if number:
                linear = downsample(linear)
            blur = scale.blur
            images = {state.channel: blur.input(state.mean_slot) for state in scale.channels}
            xyb_planes(linear, set(images), images)
            for state in scale.channels:
                if state.ssim is not None:
                    image = images[state.channel]
                    np.square(image, out=blur.input(state.ssim.square_slot))
                    product = blur.input(state.ssim.product_slot)
                    np.multiply(state.ssim.twice_image, image, out=product)
            blurred = blur.run()
            for state in scale.channels:
                image = images[state.channel]
                mean = blurred[state.mean_slot]
                if state.ssim is not None:
                    into = pooled.setdefault((number, state.channel, SSIM), {})
                    pool(ssim_map(state, mean, blurred), state.norms[SSIM], into)
                if state.edge is not None:
                    ratio = np.subtract(image, mean)
                    np.abs(ratio, out=ratio)
                    ratio += 1
                    ratio /= state.edge
                    if state.norms[DETAIL]:
                        # Detail lost: the original has edges where the candidate is smooth.
                        lost = np.subtract(1, ratio)
                        np.maximum(lost, 0, out=lost)
                        into = pooled.setdefault((number, state.channel, DETAIL), {})
                        pool(lost, state.norms[DETAIL], into)
                    if state.norms[ARTEFACT]:
                        # Artefacts: the candidate has edges (ringing, blocks) where it is smooth.
                        ratio -= 1
                        np.maximum(ratio, 0, out=ratio)
                        into = pooled.setdefault((number, state.channel, ARTEFACT), {})
                        pool(ratio, state.norms[ARTEFACT], into)
        return pooled


def ssim_map(state: ChannelOfScale, mean: Plane, blurred: Plane) -> Plane:
    """1 − SSIM at each pixel, clamped at 0, from the candidate's blurs."""
    planes = state.ssim
    assert planes is not None
    # (1 − (μ1 − μ2)²) · (2 (σ12 − μ1 μ2) + C2) / (σ1² + σ2² + C2), with σ² and σ12 the blurred
    # squares and product less the products of the means.
    mean_term = np.subtract(state.mean, mean)
    np.square(mean_term, out=mean_term)
    np.subtract(1, mean_term, out=mean_term)
    covariance = np.multiply(planes.twice_mean, mean)
    np.subtract(blurred[planes.product_slot], covariance, out=covariance)
    covariance += C2
    variance = np.square(mean)
    np.subtract(blurred[planes.square_slot], variance, out=variance)
    variance += planes.variance
    variance += C2
    mean_term *= covariance
    mean_term /= variance
    np.subtract(1, mean_term, out=mean_term)
    np.maximum(mean_term, 0, out=mean_term)
    return mean_term


def ssimulacra2(original: Image.Image, candidate: Image.Image) -> float:
    """The SSIMULACRA2 score of `candidate` against `original` (the same size), 0–100."""
    return Reference(original).score(candidate)
