"""The video model: a Wan-architecture image-to-video flow model that draws the GPS path.

scene.py (numpy/PIL pictures of a trace), config.py, flow.py (TI2V rectified flow), codec.py
(pixel overlay or Wan-VAE latents), pipeline.py (sampling), store.py (build/save/load, LoRA),
readback.py (frames -> positions, map-constrained decode). torch/diffusers load only when used.
"""
