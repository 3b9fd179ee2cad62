# Sourced by bench/aggregate.sh and the incremental benchmarks (bench/aggregate_incremental*.sh):
# which of bench/aggregate.sh's generated stores they use. TENANTS (1000: the demo store's
# tenants) picks the set; another number gets its own template and stores, named with
# -tTENANTS (SUFFIX), in bench/data/aggregate/.
TENANTS="${TENANTS:-1000}"
export TENANTS
SUFFIX=""
[[ $TENANTS == 1000 ]] || SUFFIX="-t$TENANTS"
