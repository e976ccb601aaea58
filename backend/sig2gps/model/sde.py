"""SDE sampling step with the same marginals as the flow ODE, and its Gaussian log-probability (Flow-GRPO).

Conventions of model/flow.py: x_s = (1 - s) x0 + s eps, the network predicts v = eps - x0, sigmas go
from 1 to 0 and a step moves by dt = s_next - s < 0. The ODE step is x + dt v. Flow-GRPO's reverse SDE
with the same marginals, noise level a, and std_t = a * sqrt(s / (1 - s)):

    mean = x (1 + std_t^2 dt / (2 s)) + v (1 + std_t^2 (1 - s) / (2 s)) dt
    x_next = mean + std_t sqrt(-dt) eps',   eps' ~ N(0, I)

so each SDE step is a Gaussian policy pi(x_next | x) whose log-density the RL objective needs.
The first frame (the clean condition frame) never moves and is left out of the density.
`sde_mask` picks the steps that are stochastic (the rest are plain ODE steps, no log-probability):
Flow-GRPO's "SDE window" — fewer stochastic steps, cheaper training, credit on the steps that decide.
"""
from __future__ import annotations

import math

import torch


def step_std(sigma: torch.Tensor, sigma_cap: float, noise_level: float) -> torch.Tensor:
    """std_t = a sqrt(s / (1 - s)); at s = 1 the ratio is taken at `sigma_cap` (< 1) to stay finite."""
    s_den = torch.where(sigma >= 1.0, torch.as_tensor(sigma_cap, dtype=sigma.dtype, device=sigma.device), sigma)
    return noise_level * torch.sqrt(sigma / (1 - s_den))


def sde_mean_std(x: torch.Tensor, v: torch.Tensor, sigma: float, sigma_next: float, sigma_cap: float,
                 noise_level: float) -> tuple[torch.Tensor, float]:
    """Mean of x_next and the scalar std of its Gaussian (std_t sqrt(-dt))."""
    s = torch.tensor(float(sigma), dtype=torch.float64)
    std_t = float(step_std(s, sigma_cap, noise_level))
    dt = float(sigma_next) - float(sigma)
    s = float(sigma)
    mean = x * (1 + std_t ** 2 / (2 * s) * dt) + v * (1 + std_t ** 2 * (1 - s) / (2 * s)) * dt
    return mean, std_t * math.sqrt(-dt)


def gaussian_log_prob(x_next: torch.Tensor, mean: torch.Tensor, std: float) -> torch.Tensor:
    """(B,) mean over the moving elements (frames 1..) of log N(x_next; mean, std^2).

    The mean (not the sum) over elements, as Flow-GRPO: ratios stay O(1) whatever the video size."""
    d = (x_next[:, :, 1:].double() - mean[:, :, 1:].double())
    lp = -d ** 2 / (2 * std ** 2) - math.log(std) - 0.5 * math.log(2 * math.pi)
    return lp.flatten(1).mean(1)


def sde_step(x: torch.Tensor, v: torch.Tensor, sigma: float, sigma_next: float, sigma_cap: float,
             noise_level: float, generator: torch.Generator | list | None = None,
             x_next: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, float]:
    """One stochastic step -> (x_next, log_prob (B,), mean, std).

    With `x_next` given (training), nothing is sampled: the log-probability of that transition under
    the velocity `v` of the current network is returned, which is what the policy ratio needs."""
    mean, std = sde_mean_std(x.float(), v.float(), sigma, sigma_next, sigma_cap, noise_level)
    if x_next is None:
        gens = generator if isinstance(generator, list) else [generator] * x.shape[0]
        eps = torch.stack([torch.randn(x.shape[1:], generator=g, device="cpu") for g in gens]).to(x.device)
        x_next = mean + std * eps
        x_next[:, :, :1] = x[:, :, :1]  # the condition frame never moves
        x_next = x_next.detach()
    return x_next, gaussian_log_prob(x_next, mean, std), mean, std


def kl_to_reference(mean: torch.Tensor, ref_mean: torch.Tensor, std: float) -> torch.Tensor:
    """(B,) KL(N(mean, std^2) || N(ref_mean, std^2)) per element, averaged over moving elements.

    Both policies share the step's std, so the KL is the squared mean gap / (2 std^2) (Flow-GRPO)."""
    d = (mean[:, :, 1:].double() - ref_mean[:, :, 1:].double())
    return (d ** 2 / (2 * std ** 2)).flatten(1).mean(1)


def sde_mask(steps: int, sde_steps: tuple = ()) -> list[bool]:
    """Which sampler steps are stochastic: all when `sde_steps` is empty, else those indices."""
    if not sde_steps:
        return [True] * steps
    bad = [k for k in sde_steps if not 0 <= int(k) < steps]
    if bad:
        raise ValueError(f"sde_steps {bad} outside 0..{steps - 1}")
    return [i in {int(k) for k in sde_steps} for i in range(steps)]
