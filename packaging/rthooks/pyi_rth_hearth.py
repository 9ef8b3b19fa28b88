# Runtime hook (runs inside the frozen app before main.py): point llama-cpp-python at the
# libraries packaging/hearth.spec collected into _internal/llama_cpp/lib. llama_cpp finds them
# there by itself (beside its modules); the variable makes that explicit, also for the model host
# process, which multiprocessing starts by re-running this executable. An administrator's own
# LLAMA_CPP_LIB_PATH (a different llama.cpp build) is left alone.
def _hearth_rthook():
    import os
    import sys

    lib = os.path.join(sys._MEIPASS, "llama_cpp", "lib")
    if os.path.isdir(lib):
        os.environ.setdefault("LLAMA_CPP_LIB_PATH", lib)


_hearth_rthook()
del _hearth_rthook
