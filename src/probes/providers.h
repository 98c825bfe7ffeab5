// The provider singletons, one per file in src/probes/.
#pragma once

namespace probe {
class ProbeProvider;
const ProbeProvider *begin_provider();
const ProbeProvider *end_provider();
const ProbeProvider *uprobe_provider();
const ProbeProvider *uretprobe_provider();
const ProbeProvider *tracepoint_provider();
}  // namespace probe
