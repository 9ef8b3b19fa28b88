# Second GPU check: build llama-bench and llama.cpp shared libraries once (CUDA, sm_90), point
# llama-cpp-python at them (LLAMA_CPP_LIB_PATH) and compare Hearth, bare llama-cpp-python and llama-bench
# in one run. Needs .gpu/ as described in bench/gpu/README.md. ~6 minutes on 16 cores.
export PYTHONUNBUFFERED=1
REPO=$PWD
python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .gpu/*.whl || exit 1
export PYTHONPATH=/tmp/site:$REPO
cd /tmp && tar xzf $REPO/.gpu/llama_cpp_python-0.3.36-trim.tar.gz && cd llama_cpp_python-0.3.36 || exit 2
( cd $REPO && python3 bench/gpu/make_model.py /tmp/rand08b.gguf > /tmp/mk.log 2>&1 ) &
T0=$(date +%s)
cmake -S vendor/llama.cpp -B /tmp/lb -G Ninja -DCMAKE_BUILD_TYPE=Release -DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 \
  -DBUILD_SHARED_LIBS=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_CURL=OFF > $OUT/cmake.log 2>&1 || { tail -30 $OUT/cmake.log; exit 3; }
cmake --build /tmp/lb --target llama-bench -j16 > $OUT/build.log 2>&1 || { tail -40 $OUT/build.log; exit 4; }
echo "build_s=$(( $(date +%s) - T0 ))"
wait
ls /tmp/lb/bin | head -20
/tmp/lb/bin/llama-bench -m /tmp/rand08b.gguf -ngl 99 -p 512 -n 256 -r 3 -o md 2>&1 | tail -6 | tee $OUT/llama_bench.txt
CMAKE_ARGS="-DLLAMA_BUILD=OFF -DLLAVA_BUILD=OFF" python3 -m pip install -q --no-build-isolation --no-deps --no-compile --target /tmp/site . > $OUT/pip.log 2>&1 || { tail -20 $OUT/pip.log; exit 5; }
export LLAMA_CPP_LIB_PATH=/tmp/lb/bin LD_LIBRARY_PATH=/tmp/lb/bin
cd $REPO
python3 bench/throughput.py --model /tmp/rand08b.gguf --gpu-layers all --runs 5 --tokens 256 --pp 100 --llama-bench /tmp/lb/bin/llama-bench 2>&1 | grep -v llama_kv | tee $OUT/throughput.txt | tail -6
