/**
 * Automatic resource allocation for categories of tasks, after TaskVine: the allocation modes
 * ({@link io.tendril.manager.resources.ResourcesMode}), histograms of measured peaks ({@link
 * io.tendril.manager.resources.ResourceHistogram}), the first-allocation formulas ({@link
 * io.tendril.manager.resources.FirstAllocation}), what a user declares about a category ({@link
 * io.tendril.manager.resources.CategorySpec}) and what a category learns ({@link
 * io.tendril.manager.resources.CategoryStats}). Pure bookkeeping with no I/O and no threads: the
 * manager's event loop owns every instance. The rules and formulas are explained in
 * docs/allocation.md.
 */
package io.tendril.manager.resources;
