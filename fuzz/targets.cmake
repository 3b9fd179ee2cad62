# The fuzz targets, shared by fuzz/CMakeLists.txt (which builds fuzz_<name>) and the main
# CMakeLists.txt (which runs each over fuzz/corpus/<name> as the ctest entry fuzz.<name>).
set(PAINEL_FUZZ_TARGETS json ingest_batch jwt params cron http_head)
