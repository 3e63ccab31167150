// SPDX-License-Identifier: GPL-2.0-only

//! Non-root cells: creation from a config the root hands over, loading,
//! starting, stopping and destruction (hypercalls 1–4 and 6).
//!
//! Only root CPUs run this code, one operation at a time under the
//! [`CELLS`] lock, which they may hold while waiting for cell CPUs to
//! park: cell CPUs never take it (what they need of their cell is copied
//! into their per-CPU [`CellView`]). Memory given to a cell is taken out
//! of the root's stage 2 and comes back on destruction; CPUs come from
//! the root parked (Linux switched them off) and go back parked, for
//! Linux to switch on again. Every operation checks everything before it
//! changes anything; the few steps that can fail later (page-pool
//! exhaustion while splitting root mappings) are undone.

use core::num::NonZeroU32;
use core::sync::atomic::{AtomicU32, Ordering};

use jailhouse_abi::comm_region::{CommRegion, COMM_REGION_ABI_REVISION, COMM_REGION_MAGIC};
use jailhouse_abi::config::{
    cell_config_size, CellConfig, CellDesc, CellFlags, MemFlags, MemoryRegion, CELL_DESC_SIGNATURE,
};
use jailhouse_abi::hypercall::{CellState, Errno, MsgToCell, ReplyFromCell};
use jailhouse_config_check::{check_cell, check_cells_together, Severity};

use crate::arch::aarch64 as arch;
use crate::hv::{
    self, cell_hcr, cpus_in, guest_mpidr, hv_range, percpu, pool_va, print_pool_usage,
    root_context, root_mapped_regions, system_config, CellView, PerCpu, PoolTables, PAGE_POOL,
    POWER_OFF, POWER_ON, POWER_ON_PENDING, REQ_NONE, REQ_PARK, ROOT_CPUS,
};
use crate::irqchip;
use crate::layout::{PAGE_SIZE, TEMP_WINDOW_BASE, TEMP_WINDOW_PAGES};
use crate::paging::{self, TABLE_L3_TEMP};
use crate::println;
use crate::stage2::{self, Geometry, Stage2, Stage2Error};
use crate::sync::SpinLock;
use crate::vgic::IrqSet;

/// Non-root cells at most (ids are 1..=255, VMIDs).
const MAX_CELLS: usize = 16;
/// Largest cell config the root may hand over, as upstream allows.
const MAX_CONFIG_PAGES: usize = 16;

/// A non-root cell.
#[derive(Debug)]
struct Cell {
    /// Never 0 (the root's id): the niche that makes `None` in [`CELLS`]
    /// all zeros (see `loadable`).
    id: NonZeroU32,
    /// The hypervisor's copy of the config, in page-pool pages.
    config_pa: u64,
    config_pages: usize,
    config_len: usize,
    s2: Stage2,
    /// The communication region page.
    comm_pa: u64,
    cpus: u64,
    irqs: IrqSet,
    /// LOADABLE regions are mapped into the root: 0 or 1. Not a `bool`:
    /// its invalid values would be the niche that tells `None` from
    /// `Some` in [`CELLS`], which then could not be all zeros and would
    /// put the table (3 KiB) into the image's `.data` instead of `.bss`.
    loadable: u8,
}

impl Cell {
    fn config(&self) -> CellConfig<'static> {
        // SAFETY: the copy lives in page-pool pages owned by this cell,
        // mapped at pool_va; nothing writes them after creation.
        let bytes = unsafe {
            core::slice::from_raw_parts(pool_va(self.config_pa) as *const u8, self.config_len)
        };
        CellConfig::parse(bytes).unwrap_or_else(|_| unreachable_copy())
    }

    fn comm_va(&self) -> u64 {
        pool_va(self.comm_pa)
    }

    fn name(&self) -> &'static str {
        name_str(self.config().name())
    }
}

#[cold]
fn unreachable_copy() -> ! {
    println!("FATAL: a cell's config copy changed");
    loop {
        crate::arch::wait_for_event();
    }
}

fn name_str(name: &[u8]) -> &str {
    let len = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    core::str::from_utf8(&name[..len]).unwrap_or("?")
}

static CELLS: SpinLock<[Option<Cell>; MAX_CELLS]> = SpinLock::new([const { None }; MAX_CELLS]);
/// Number of non-root cells (read without the lock by GET_INFO/DISABLE).
static COUNT: AtomicU32 = AtomicU32::new(0);

/// Number of non-root cells.
pub fn count() -> usize {
    COUNT.load(Ordering::Acquire) as usize
}

fn find(cells: &mut [Option<Cell>; MAX_CELLS], id: u64) -> Result<&mut Cell, Errno> {
    cells
        .iter_mut()
        .flatten()
        .find(|c| u64::from(c.id.get()) == id)
        .ok_or(Errno::NoEnt)
}

/// Offsets of the comm region's `cell_state`, `msg_to_cell` and
/// `reply_from_cell`.
const COMM_STATE: u64 = 8;
const COMM_MSG: u64 = 12;
const COMM_REPLY: u64 = 16;

/// Read an aligned u32 field of the comm page at `comm_va`.
fn comm_read(comm_va: u64, offset: u64) -> u32 {
    // SAFETY: the comm page is a hypervisor page mapped at comm_va and the
    // field lies inside it; the cell writes it concurrently, hence the
    // volatile access.
    unsafe { core::ptr::read_volatile((comm_va + offset) as *const u32) }
}

/// Write an aligned u32 field of the comm page at `comm_va`.
fn comm_write(comm_va: u64, offset: u64, value: u32) {
    // SAFETY: as in `comm_read`, for a write.
    unsafe { core::ptr::write_volatile((comm_va + offset) as *mut u32, value) };
}

fn comm_state(comm_va: u64) -> u32 {
    comm_read(comm_va, COMM_STATE)
}

/// Set the state a cell's communication region reports.
pub fn comm_set_state(comm_va: u64, state: CellState) {
    comm_write(comm_va, COMM_STATE, state.value());
}

/// `CELL_GET_STATE`.
pub fn state(id: u64) -> Result<u32, Errno> {
    let mut cells = CELLS.lock();
    let cell = find(&mut cells, id)?;
    let state = comm_state(cell.comm_va());
    CellState::try_from(state)
        .map(|_| state)
        .map_err(|_| Errno::Inval)
}

/// Map `pages` pages from physical `pa` at the temporary window.
fn temp_map(pa: u64, pages: usize) -> u64 {
    // SAFETY: the temporary window's table is used only under the CELLS
    // lock, which the caller holds.
    let l3 = unsafe { arch::boot_table_mut(TABLE_L3_TEMP) };
    for (i, entry) in l3.iter_mut().take(pages).enumerate() {
        *entry = paging::temp_page_desc(pa + (i * PAGE_SIZE) as u64);
        arch::flush_tlb_va(TEMP_WINDOW_BASE + (i * PAGE_SIZE) as u64);
    }
    TEMP_WINDOW_BASE
}

fn temp_unmap(pages: usize) {
    // SAFETY: as in temp_map.
    let l3 = unsafe { arch::boot_table_mut(TABLE_L3_TEMP) };
    for (i, entry) in l3.iter_mut().take(pages).enumerate() {
        *entry = 0;
        arch::flush_tlb_va(TEMP_WINDOW_BASE + (i * PAGE_SIZE) as u64);
    }
}

/// Whether root guest-physical `[pa, pa + len)` is RAM the root owns
/// (readable, normal memory in its stage 2).
fn root_owns_ram(pa: u64, len: u64) -> bool {
    let mut guard = PAGE_POOL.lock();
    let Some((pool, Some(s2))) = guard.as_mut() else {
        return false;
    };
    let mut tables = PoolTables(pool);
    let first = pa & !(PAGE_SIZE as u64 - 1);
    (first..pa.saturating_add(len))
        .step_by(PAGE_SIZE)
        .all(|p| stage2::walk(s2, &mut tables, p).is_some_and(|l| l.readable() && !l.device()))
}

/// Copy the cell config at root guest-physical `pa` into page-pool
/// pages: (physical address, pages, length).
fn copy_config(pa: u64) -> Result<(u64, usize, usize), Errno> {
    let offset = (pa % PAGE_SIZE as u64) as usize;
    let head = core::mem::size_of::<CellDesc>();
    if !root_owns_ram(pa, head as u64) {
        println!("Cell config at {pa:#x} is not in root cell RAM");
        return Err(Errno::Inval);
    }
    let page_pa = pa - offset as u64;
    let head_pages = (offset + head).div_ceil(PAGE_SIZE);
    let va = temp_map(page_pa, head_pages);
    // SAFETY: the descriptor lies in the pages just mapped; CellDesc is
    // packed (align 1) plain data, any bytes are a valid value.
    let desc: CellDesc =
        unsafe { core::ptr::read_volatile((va + offset as u64) as *const CellDesc) };
    temp_unmap(head_pages);
    let len = cell_config_size(&desc).ok_or(Errno::Inval)?;
    let pages = (offset + len).div_ceil(PAGE_SIZE);
    if pages > MAX_CONFIG_PAGES {
        return Err(Errno::TooBig);
    }
    if desc.signature != CELL_DESC_SIGNATURE || !root_owns_ram(pa, len as u64) {
        println!("Cell config at {pa:#x}: bad signature or not in root cell RAM");
        return Err(Errno::Inval);
    }
    let copy_pages = len.div_ceil(PAGE_SIZE);
    let copy = {
        let mut guard = PAGE_POOL.lock();
        let (pool, _) = guard.as_mut().ok_or(Errno::NoMem)?;
        PoolTables(pool)
            .alloc_pages(copy_pages, 1)
            .ok_or(Errno::NoMem)?
    };
    let va = temp_map(page_pa, pages);
    // SAFETY: source: the mapped root pages; destination: the pool pages
    // just allocated, mapped at pool_va; the ranges do not overlap.
    unsafe {
        core::ptr::copy_nonoverlapping(
            (va + offset as u64) as *const u8,
            pool_va(copy) as *mut u8,
            len,
        );
    }
    temp_unmap(pages);
    Ok((copy, copy_pages, len))
}

fn free_pages(pa: u64, pages: usize) {
    if let Some((pool, _)) = PAGE_POOL.lock().as_mut() {
        PoolTables(pool).free_pages(pa, pages);
    }
}

/// Take physical `[pa, pa + size)` out of the root's stage 2.
fn root_unmap(pa: u64, size: u64) -> Result<(), Errno> {
    let mut guard = PAGE_POOL.lock();
    let Some((pool, Some(s2))) = guard.as_mut() else {
        return Err(Errno::Inval);
    };
    let result = s2.unmap(&mut PoolTables(pool), pa, size);
    arch::flush_guest_tlb();
    result.map_err(|e| match e {
        Stage2Error::OutOfPages => Errno::NoMem,
        _ => Errno::Inval,
    })
}

/// Give physical `[pa, pa + size)` back to the root, as far as the
/// root's config has it, with the root's access rights.
fn root_remap(pa: u64, size: u64) -> Result<(), Errno> {
    let config = system_config();
    let (hv_start, hv_end) = hv_range();
    let mut guard = PAGE_POOL.lock();
    let Some((pool, Some(s2))) = guard.as_mut() else {
        return Err(Errno::Inval);
    };
    let mut tables = PoolTables(pool);
    let end = pa.saturating_add(size);
    for r in root_mapped_regions(&config) {
        let (lo, hi) = (
            pa.max(r.phys_start),
            end.min(r.phys_start.saturating_add(r.size)),
        );
        if lo >= hi {
            continue;
        }
        let part = MemoryRegion {
            phys_start: lo,
            virt_start: r.virt_start + (lo - r.phys_start),
            size: hi - lo,
            flags: r.flags,
        };
        s2.map_region(&mut tables, &part, hv_start, hv_end)
            .map_err(|_| Errno::NoMem)?;
        if !r.mem_flags().contains(MemFlags::NO_HUGEPAGES) {
            s2.coalesce(&mut tables, part.virt_start, part.size);
        }
    }
    arch::flush_guest_tlb();
    Ok(())
}

/// Regions of a cell that leave the root while the cell exists.
fn taken_from_root(r: &MemoryRegion) -> bool {
    !r.mem_flags()
        .intersects(MemFlags::COMM_REGION | MemFlags::ROOTSHARED)
}

/// Stop CPU `pc` and wait until it is parked at EL2.
fn park_cpu(pc: &PerCpu) {
    // SeqCst (with the CPU's own accesses in `hv::park`) makes sure that
    // either the CPU sees the request in its wait loop (also right after
    // it stored POWER_ON), or we see it running and kick it.
    pc.request.store(REQ_PARK, Ordering::SeqCst);
    if pc.power.load(Ordering::SeqCst) == POWER_ON {
        irqchip::kick(pc);
    }
    crate::arch::send_event();
    // Acquire pairs with the CPU's release store of REQ_NONE, after its
    // store of POWER_PARKED.
    while pc.request.load(Ordering::Acquire) != REQ_NONE {
        crate::arch::wait_for_event();
    }
}

/// Ask a running, non-passive cell to shut down (comm region protocol).
fn request_shutdown(cell: &Cell) -> Result<(), Errno> {
    let config = cell.config();
    if config.flags().contains(CellFlags::PASSIVE_COMMREG) {
        return Ok(());
    }
    let va = cell.comm_va();
    let running = |s: u32| s == CellState::Running.value() || s == CellState::RunningLocked.value();
    if !running(comm_state(va)) {
        return Ok(());
    }
    comm_write(va, COMM_REPLY, 0);
    arch::dmb_ishst();
    comm_write(va, COMM_MSG, MsgToCell::ShutdownRequest.value());
    let timeout = config.desc().msg_reply_timeout;
    let mut waited = 0u64;
    loop {
        let reply = comm_read(va, COMM_REPLY);
        if reply == ReplyFromCell::RequestApproved.value() {
            return Ok(());
        }
        if reply != 0 {
            return Err(Errno::Perm);
        }
        if !running(comm_state(va)) {
            return Ok(());
        }
        if timeout != 0 && waited >= timeout {
            println!("Timeout expired while waiting for reply from target cell");
            comm_set_state(va, CellState::Failed);
            return Ok(());
        }
        waited += 1;
        crate::arch::wait_for_event();
    }
}

/// Validate a cell config against the system and the existing cells.
fn validate(
    cells: &[Option<Cell>; MAX_CELLS],
    config: &CellConfig<'static>,
    caller: u64,
) -> Result<(NonZeroU32, u64, IrqSet), Errno> {
    let sys = system_config();
    let raw_id = config.desc().id;
    let name = config.name();
    let Some(id) = NonZeroU32::new(raw_id).filter(|id| id.get() <= 255) else {
        println!("Cell id {raw_id} out of range 1..255");
        return Err(Errno::Inval);
    };
    for cell in cells.iter().flatten() {
        if cell.id == id || cell.config().name() == name {
            return Err(Errno::Exist);
        }
    }
    if sys.root_cell().name() == name {
        return Err(Errno::Exist);
    }

    let mut errors = 0;
    let mut report = |finding: jailhouse_config_check::Finding<'_>| {
        if finding.severity == Severity::Error {
            println!("Cell \"{}\": {finding}", name_str(name));
            errors += 1;
        }
    };
    check_cell(&sys, config, &mut report);
    // The existing cells and the new one (no heap: a fixed array).
    let mut list = [*config; MAX_CELLS + 1];
    let mut n = 0;
    for cell in cells.iter().flatten() {
        list[n] = cell.config();
        n += 1;
    }
    n += 1;
    check_cells_together(&sys, &list[..n], &mut report);
    if errors != 0 {
        return Err(Errno::Inval);
    }
    if config.memory_regions().iter().any(MemoryRegion::is_subpage) {
        println!(
            "Cell \"{}\": sub-page memory regions are not supported yet",
            name_str(name)
        );
        return Err(Errno::Inval);
    }

    let cpus = config
        .cpus()
        .iter()
        .try_fold(0u64, |m, c| (c < 64).then_some(m | 1 << c))
        .ok_or(Errno::Inval)?;
    let root = ROOT_CPUS.load(Ordering::Relaxed);
    if cpus == 0 || cpus & !root != 0 || cpus & (1 << caller) != 0 {
        return Err(Errno::Busy);
    }
    for pc in cpus_in(cpus) {
        if pc.power.load(Ordering::Acquire) == POWER_ON {
            println!(
                "CPU {} is still in use by the root cell; take it offline first",
                pc.cpu_id
            );
            return Err(Errno::Busy);
        }
    }
    if cpus_in(cpus).count() != cpus.count_ones() as usize {
        return Err(Errno::Busy);
    }

    let irqs = IrqSet::of_irqchips(config.irqchips(), sys.platform_info().arm.gicd_base);
    Ok((id, cpus, irqs))
}

/// Build the cell's stage 2 and communication page.
fn build_stage2(config: &CellConfig<'static>) -> Result<(Stage2, u64), Errno> {
    // GICv2: the virtual CPU interface, where the cell expects its CPU
    // interface.
    let gic = irqchip::cell_cpu_interface();
    let ipa_end = config
        .memory_regions()
        .iter()
        .chain(gic.iter())
        .map(|r| r.virt_start.saturating_add(r.size))
        .max()
        .unwrap_or(0);
    let geometry = Geometry::new(arch::read_id_aa64mmfr0(), ipa_end).map_err(|e| {
        println!("Cell stage 2: {e}");
        Errno::Inval
    })?;
    let (hv_start, hv_end) = hv_range();
    let mut guard = PAGE_POOL.lock();
    let (pool, _) = guard.as_mut().ok_or(Errno::NoMem)?;
    let mut tables = PoolTables(pool);
    let comm_pa = tables.alloc_pages(1, 1).ok_or(Errno::NoMem)?;
    let s2 = match Stage2::new(geometry, &mut tables) {
        Ok(s2) => s2,
        Err(_) => {
            tables.free_pages(comm_pa, 1);
            return Err(Errno::NoMem);
        }
    };
    for r in config.memory_regions().iter().chain(gic.iter()) {
        let region = if r.mem_flags().contains(MemFlags::COMM_REGION) {
            MemoryRegion {
                phys_start: comm_pa,
                virt_start: r.virt_start,
                size: PAGE_SIZE as u64,
                flags: (MemFlags::READ | MemFlags::WRITE).bits(),
            }
        } else {
            *r
        };
        // The comm page is hypervisor memory: map it without the hole.
        let hole = if r.mem_flags().contains(MemFlags::COMM_REGION) {
            (0, 0)
        } else {
            (hv_start, hv_end)
        };
        if let Err(e) = s2.map_region(&mut tables, &region, hole.0, hole.1) {
            println!("Cell region at {:#x}: {e}", { r.virt_start });
            s2.destroy(&mut tables);
            tables.free_pages(comm_pa, 1);
            return Err(match e {
                Stage2Error::OutOfPages => Errno::NoMem,
                _ => Errno::Inval,
            });
        }
    }
    Ok((s2, comm_pa))
}

fn destroy_stage2(s2: Stage2, comm_pa: u64) {
    if let Some((pool, _)) = PAGE_POOL.lock().as_mut() {
        let mut tables = PoolTables(pool);
        s2.destroy(&mut tables);
        tables.free_pages(comm_pa, 1);
    }
}

/// `CELL_CREATE` from root CPU `caller` with the config at `config_pa`.
pub fn create(caller: u64, config_pa: u64) -> Result<(), Errno> {
    let mut cells = CELLS.lock();
    let (copy_pa, copy_pages, copy_len) = copy_config(config_pa)?;
    // SAFETY: the copy just made, in pool pages this function owns.
    let bytes = unsafe { core::slice::from_raw_parts(pool_va(copy_pa) as *const u8, copy_len) };
    let result = CellConfig::parse(bytes)
        .map_err(|e| {
            println!("Cell config: {e}");
            Errno::Inval
        })
        .and_then(|config| {
            create_from(&mut cells, caller, &config, (copy_pa, copy_pages, copy_len))
        });
    if result.is_err() {
        free_pages(copy_pa, copy_pages);
    }
    result
}

fn create_from(
    cells: &mut [Option<Cell>; MAX_CELLS],
    caller: u64,
    config: &CellConfig<'static>,
    (config_pa, config_pages, config_len): (u64, usize, usize),
) -> Result<(), Errno> {
    let (id, cpus, irqs) = validate(cells, config, caller)?;
    let slot = cells.iter().position(Option::is_none).ok_or(Errno::NoMem)?;
    let (s2, comm_pa) = build_stage2(config)?;

    // Commit: memory out of the root (undone if the pool runs dry).
    let taken = config
        .memory_regions()
        .iter()
        .filter(|r| taken_from_root(r));
    for (done, r) in taken.clone().enumerate() {
        if let Err(e) = root_unmap(r.phys_start, r.size) {
            for r in taken.take(done + 1) {
                let _ = root_remap(r.phys_start, r.size);
            }
            destroy_stage2(s2, comm_pa);
            return Err(e);
        }
    }

    let cell = Cell {
        id,
        config_pa,
        config_pages,
        config_len,
        s2,
        comm_pa,
        cpus,
        irqs,
        loadable: 0,
    };
    // SAFETY: the comm page is a fresh pool page of this cell.
    unsafe { core::ptr::write_bytes(cell.comm_va() as *mut u8, 0, PAGE_SIZE) };
    comm_set_state(cell.comm_va(), CellState::ShutDown);

    // CPUs: parked, then handed over.
    let mut name = [0u8; 32];
    name.copy_from_slice(&config.desc().name);
    let view = CellView {
        name,
        cpus,
        irqs,
        comm_va: cell.comm_va(),
        virt_cpuid: config.flags().contains(CellFlags::VIRT_CPUID),
        console: config
            .flags()
            .intersects(CellFlags::VIRTUAL_CONSOLE_PERMITTED | CellFlags::VIRTUAL_CONSOLE_ACTIVE),
    };
    let vttbr = Geometry::vttbr(cell.s2.root_pa(), cell.id.get() as u8);
    let vtcr = cell.s2.geometry().vtcr;
    ROOT_CPUS.fetch_and(!cpus, Ordering::AcqRel);
    let mut first_cpu = None;
    for pc in cpus_in(cpus) {
        park_cpu(pc);
        pc.cell.store(cell.id.get(), Ordering::Relaxed);
        pc.failed.store(false, Ordering::Relaxed);
        pc.stats.reset();
        pc.set_view(view);
        pc.vtcr.store(vtcr, Ordering::Relaxed);
        pc.vttbr.store(vttbr, Ordering::Relaxed);
        pc.hcr.store(cell_hcr(pc), Ordering::Relaxed);
        pc.vmpidr.store(
            guest_mpidr(pc, cpus, view.virt_cpuid) | 1 << 31,
            Ordering::Relaxed,
        );
        first_cpu.get_or_insert(pc);
    }
    irqchip::spis_to_cell(&irqs, first_cpu);

    let name = cell.name();
    cells[slot] = Some(cell);
    COUNT.fetch_add(1, Ordering::AcqRel);
    println!("Created cell \"{name}\"");
    print_pool_usage("after cell creation");
    Ok(())
}

fn stop_cpus(cell: &Cell) {
    for pc in cpus_in(cell.cpus) {
        park_cpu(pc);
    }
}

/// `CELL_SET_LOADABLE`: stop the cell and let the root write its
/// LOADABLE regions.
pub fn set_loadable(id: u64) -> Result<(), Errno> {
    let mut cells = CELLS.lock();
    let cell = find(&mut cells, id)?;
    request_shutdown(cell)?;
    stop_cpus(cell);
    comm_set_state(cell.comm_va(), CellState::ShutDown);
    if cell.loadable == 0 {
        for r in cell.config().memory_regions() {
            if r.mem_flags().contains(MemFlags::LOADABLE) {
                root_remap(r.phys_start, r.size)?;
            }
        }
        cell.loadable = 1;
    }
    println!("Cell \"{}\" can be loaded", cell.name());
    Ok(())
}

/// Write back and drop cached lines of the cell's RAM, so that the cell
/// (starting with caches off) and later the root see memory as it is.
fn clean_cell_ram(config: &CellConfig<'static>) {
    for r in config.memory_regions() {
        if r.mem_flags()
            .intersects(MemFlags::IO | MemFlags::COMM_REGION)
        {
            continue;
        }
        let mut pa = r.phys_start;
        let end = r.phys_start + r.size;
        while pa < end {
            let pages = (((end - pa) / PAGE_SIZE as u64) as usize).min(TEMP_WINDOW_PAGES);
            let va = temp_map(pa, pages);
            arch::dcache_clean_inval(va, (pages * PAGE_SIZE) as u64);
            temp_unmap(pages);
            pa += (pages * PAGE_SIZE) as u64;
        }
    }
}

/// `CELL_START`: (re)start the cell at its reset address.
pub fn start(id: u64) -> Result<(), Errno> {
    let mut cells = CELLS.lock();
    let cell = find(&mut cells, id)?;
    request_shutdown(cell)?;
    stop_cpus(cell);
    let config = cell.config();
    if cell.loadable != 0 {
        for r in config.memory_regions() {
            if r.mem_flags().contains(MemFlags::LOADABLE) {
                root_unmap(r.phys_start, r.size)?;
            }
        }
        cell.loadable = 0;
    }
    init_comm_region(cell, &config);
    clean_cell_ram(&config);
    let entry = config.desc().cpu_reset_address;
    // Before the cell runs: it may print on the same UART at once.
    println!("Started cell \"{}\"", cell.name());
    let mut first = true;
    for pc in cpus_in(cell.cpus) {
        pc.failed.store(false, Ordering::Relaxed);
        if first {
            pc.on_entry.store(entry, Ordering::Relaxed);
            pc.on_context.store(0, Ordering::Relaxed);
            // Release publishes the entry fields (and the cell context
            // written at creation) to the CPU's acquire load.
            pc.power.store(POWER_ON_PENDING, Ordering::Release);
            first = false;
        } else {
            // Off until the cell switches it on with PSCI CPU_ON.
            pc.power.store(POWER_OFF, Ordering::Release);
        }
    }
    crate::arch::send_event();
    Ok(())
}

fn init_comm_region(cell: &Cell, config: &CellConfig<'static>) {
    let sys = system_config();
    let arm = sys.platform_info().arm;
    let flags = config.flags();
    let mut comm_flags = 0;
    if flags.intersects(CellFlags::VIRTUAL_CONSOLE_PERMITTED | CellFlags::VIRTUAL_CONSOLE_ACTIVE) {
        comm_flags |= 1;
    }
    if flags.contains(CellFlags::VIRTUAL_CONSOLE_ACTIVE) {
        comm_flags |= 2;
    }
    let comm = CommRegion {
        signature: COMM_REGION_MAGIC,
        revision: COMM_REGION_ABI_REVISION,
        cell_state: CellState::Running.value(),
        msg_to_cell: 0,
        reply_from_cell: 0,
        flags: comm_flags,
        console: config.desc().console,
        pci_mmconfig_base: sys.platform_info().pci_mmconfig_base,
        gic_version: arm.gic_version,
        padding: [0; 7],
        gicd_base: arm.gicd_base,
        gicc_base: arm.gicc_base,
        gicr_base: arm.gicr_base,
        vpci_irq_base: config.desc().vpci_irq_base,
    };
    let va = cell.comm_va();
    // SAFETY: the cell's comm page (hypervisor memory); the cell is
    // stopped, so nothing else accesses it.
    unsafe { core::ptr::write_bytes(va as *mut u8, 0, PAGE_SIZE) };
    // SAFETY: as above; CommRegion is packed (alignment 1) and fits.
    unsafe { core::ptr::write_volatile(va as *mut CommRegion, comm) };
}

/// `CELL_DESTROY`: stop the cell and give everything back to the root.
pub fn destroy(id: u64) -> Result<(), Errno> {
    let mut cells = CELLS.lock();
    let index = cells
        .iter()
        .position(|c| c.as_ref().is_some_and(|c| u64::from(c.id.get()) == id))
        .ok_or(Errno::NoEnt)?;
    let Some(cell) = cells[index].as_ref() else {
        return Err(Errno::NoEnt);
    };
    request_shutdown(cell)?;
    // After its CPUs stopped: a running cell may be printing on the
    // same UART.
    stop_cpus(cell);
    println!("Closing cell \"{}\"", cell.name());
    let Some(cell) = cells[index].take() else {
        return Err(Errno::NoEnt);
    };
    COUNT.fetch_sub(1, Ordering::AcqRel);

    irqchip::spis_to_root(&cell.irqs, percpu(0));
    for pc in cpus_in(cell.cpus) {
        let (vtcr, vttbr, hcr, vmpidr) = root_context(pc);
        pc.cell.store(hv::ROOT_ID, Ordering::Relaxed);
        pc.failed.store(false, Ordering::Relaxed);
        pc.stats.reset();
        pc.set_view(CellView::EMPTY);
        pc.vtcr.store(vtcr, Ordering::Relaxed);
        pc.vttbr.store(vttbr, Ordering::Relaxed);
        pc.hcr.store(hcr, Ordering::Relaxed);
        pc.vmpidr.store(vmpidr, Ordering::Relaxed);
        // Release: Linux's CPU_ON (it claims OFF) sees the root context.
        pc.power.store(POWER_OFF, Ordering::Release);
    }
    ROOT_CPUS.fetch_or(cell.cpus, Ordering::AcqRel);

    let config = cell.config();
    // LOADABLE regions of a loadable cell are the root's already.
    let back = |r: &&MemoryRegion| {
        taken_from_root(r) && !(cell.loadable != 0 && r.mem_flags().contains(MemFlags::LOADABLE))
    };
    for r in config.memory_regions().iter().filter(back) {
        if root_remap(r.phys_start, r.size).is_err() {
            println!("WARNING: Failed to re-assign memory region to root cell");
        }
    }
    destroy_stage2(cell.s2, cell.comm_pa);
    free_pages(cell.config_pa, cell.config_pages);
    print_pool_usage("after cell destruction");
    Ok(())
}
