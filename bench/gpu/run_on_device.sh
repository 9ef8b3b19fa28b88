# GPU check on a lent CUDA machine (no network there): build llama-cpp-python with CUDA from a trimmed
# sdist carried in .gpu/ (see bench/gpu/README.md), then doctor, chat --gpu-layers auto and
# bench/throughput.py on a 0.8B random model made on the spot. Writes its results under $OUT.
set -x
export PYTHONUNBUFFERED=1
REPO=$PWD
python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .gpu/*.whl || exit 1
export PYTHONPATH=/tmp/site:$REPO
nvidia-smi --query-gpu=name,memory.total,memory.free,driver_version --format=csv | tee $OUT/gpu.txt
cd /tmp && tar xzf $REPO/.gpu/llama_cpp_python-0.3.36-trim.tar.gz && cd llama_cpp_python-0.3.36
T0=$(date +%s)
CMAKE_ARGS="-DGGML_CUDA=on -DCMAKE_CUDA_ARCHITECTURES=90" CMAKE_BUILD_PARALLEL_LEVEL=16 \
  python3 -m pip install -q --no-build-isolation --no-deps --no-compile --target /tmp/site . > $OUT/build.log 2>&1 || { tail -50 $OUT/build.log; exit 2; }
echo "build_s=$(( $(date +%s) - T0 ))" | tee -a $OUT/gpu.txt
cd $REPO
python3 -c "import llama_cpp; print('offload', llama_cpp.llama_supports_gpu_offload())" | tee -a $OUT/gpu.txt
python3 main.py doctor --json > $OUT/doctor.json 2>&1; head -c 3000 $OUT/doctor.json
python3 bench/gpu/make_model.py /tmp/rand08b.gguf && ls -la /tmp/rand08b.gguf
python3 main.py chat --model /tmp/rand08b.gguf --gpu-layers auto --max-tokens 64 --temperature 0 --json "hello the" > $OUT/chat_auto.json 2>&1; cat $OUT/chat_auto.json | head -c 1500
python3 bench/throughput.py --model /tmp/rand08b.gguf --gpu-layers all --runs 9 --tokens 256 --pp 100 2>&1 | grep -v llama_kv | tee $OUT/throughput.txt | tail -5
