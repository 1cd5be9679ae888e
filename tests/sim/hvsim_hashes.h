/* Generated from backends/ps/scripts.fnv by tests/sim/sim.mk: do not edit. */
{ "action", 0x26a885f012e2811fULL },
{ "bootstrap", 0x601880c91690bb8fULL },
{ "poll", 0x897fb34b0927e2a0ULL },
{ "session", 0x76c5016585be93acULL },
