// The provider singletons, one per file in src/probes/.
#pragma once

namespace probe {
class ProbeProvider;
const ProbeProvider *begin_provider();
const ProbeProvider *end_provider();
const ProbeProvider *uprobe_provider();
const ProbeProvider *uretprobe_provider();
const ProbeProvider *tracepoint_provider();
const ProbeProvider *kprobe_provider();
const ProbeProvider *kretprobe_provider();
const ProbeProvider *fentry_provider();
const ProbeProvider *fexit_provider();
const ProbeProvider *rawtracepoint_provider();
const ProbeProvider *interval_provider();
const ProbeProvider *profile_provider();
const ProbeProvider *software_provider();
}  // namespace probe
