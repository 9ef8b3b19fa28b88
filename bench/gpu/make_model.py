"""A ~0.8B-parameter random llama model (f16) for GPU throughput: memory-bound like a real 1B model."""
import sys
sys.path.insert(0, ".")
from tests.tiny_gguf import make_tiny_gguf
make_tiny_gguf(sys.argv[1], n_ctx=4096, n_layer=16, n_embd=2048, n_head=16, n_ff=5632, name="Random 0.8B",
               text_only=True)
