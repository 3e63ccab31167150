// SPDX-License-Identifier: GPL-2.0-only

//! The hypervisor's life cycle on the root cell's CPUs: enable (the init
//! order below), trap handling, and disable.
//!
//! Init order, per CPU as the driver enters them one by one:
//! 1. per-CPU state (stub state to restore, statistics);
//! 2. first CPU only: system config (found behind the per-CPU areas,
//!    checked against the memory the CPU was entered with), debug console,
//!    banner, page pool accounting;
//!    the persistent page pool; the root cell's stage-2 tables;
//! 3. CPU init: the CPU must belong to the root cell; its stack guard page
//!    is unmapped; stage 2 and `HCR_EL2` for the root;
//! 4. last CPU: the "late setup" page pool line, "Activating hypervisor".
//!
//! # What the root cell is, so far
//!
//! The root runs with the stub's `HCR_EL2` plus **VM** (stage-2
//! translation, VMID 0) and **TSC** (SMCs trap). Its stage 2 maps exactly
//! the memory regions of its config, with the hypervisor memory carved
//! out (see [`crate::stage2`]), except for the console page, mapped
//! read-only so the driver can show the hypervisor's output. A data
//! access anywhere else is reported with the address and the CPU, and a
//! synchronous external abort is injected into the root's EL1 (upstream
//! parks the CPU, which for the root cell hangs Linux; an abort makes
//! Linux kill the offending process, or oops if the kernel did it).
//!
//! Interrupts of the root: the root's CPUs run with `IMO`/`FMO` set like
//! every other cell's, so every physical interrupt goes through EL2 and
//! reaches Linux through the virtual CPU interface ([`crate::irqchip`]);
//! the GIC's distributor and redistributors are not in the root's stage
//! 2, and the root's accesses to them trap and are filtered to its own
//! interrupts, the way a non-root cell's are. With a GICv2 the virtual
//! CPU interface (GICV) is mapped where Linux knows the CPU interface
//! (GICC), as for non-root cells. Each CPU's interface state moves into
//! the virtual one at enable and back at disable.
//!
//! # CPUs of non-root cells
//!
//! A CPU leaves the root when Linux switches it off (the driver calls
//! `remove_cpu`); it then waits here, parked, and [`crate::cell`] hands
//! it to the new cell. Starting the cell makes its first CPU resume at
//! the cell's reset address with the cell's stage 2, `IMO`/`FMO` set
//! (interrupts go through EL2, see [`crate::irqchip`]) and a fresh EL1
//! state. The root stops a cell CPU by posting a park request and, if the
//! CPU runs, kicking it with the [`SGI_EVENT`] interrupt; the CPU answers
//! from EL2. All hand-over state lives in [`PerCpu`] and is published by
//! the release store of its `power` field.
//!
//! PSCI from the root is emulated ([`crate::psci`]): a CPU that Linux
//! switches off is parked here at EL2 (handing it to the firmware would
//! lose it: CPU_ON would restart it at EL2 without the hypervisor), and
//! CPU_ON resumes it at EL1 at the requested entry, MMU off, x0 = context.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

use jailhouse_abi::config::{
    CellFlags, ConsoleFlags, ConsoleType, MemFlags, MemoryRegion, SystemConfig, SystemFlags,
};
use jailhouse_abi::header::HypervisorHeader;
use jailhouse_abi::hypercall::{CpuInfo, CpuStat, CpuState, Errno, InfoKind};

use crate::arch::aarch64::{self as arch, ExitAction, Frame};
use crate::hypercall::{self, Context, Outcome};
use crate::layout::{
    page_align_up, HYPERVISOR_BASE, MAX_HYPERVISOR_MEMORY, PAGE_SIZE, PERCPU_GUARD_OFFSET,
    PERCPU_PAGES, PERCPU_SIZE, PERCPU_STATE_OFFSET,
};
use crate::page_pool::PagePool;
use crate::paging::{self, Table, TABLE_L2_HIGH};
use crate::psci::{self, Power, PowerOnError, PsciCpus, SmcAction, SmcKind};
use crate::stage2::{self, Geometry, Stage2, TableAlloc};
use crate::stats::CpuStats;
use crate::sync::SpinLock;
use crate::trap::{self, DataAbort, Exit};
use crate::vgic::{IrqSet, Pending, SGI_SOURCES};
use crate::{cell, console, irqchip, println};

/// Version shown in the banner.
const VERSION: &str = concat!("v", env!("CARGO_PKG_VERSION"));

/// Cell id of the root cell.
pub(crate) const ROOT_ID: u32 = 0;

/// What a CPU of a non-root cell needs to know about its cell while it
/// runs, copied in by the root CPU that assigns it (so a cell CPU never
/// takes the cell lock, which the root holds while it waits for CPUs).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CellView {
    /// The cell's name, NUL-padded.
    pub name: [u8; 32],
    /// The cell's CPUs.
    pub cpus: u64,
    /// The cell's SPIs.
    pub irqs: IrqSet,
    /// EL2 address of the cell's communication region page.
    pub comm_va: u64,
    /// The cell sees CPU ids counted from 0 (`VIRT_CPUID` flag).
    pub virt_cpuid: bool,
    /// The cell may use `DEBUG_CONSOLE_PUTC`.
    pub console: bool,
}

impl CellView {
    /// No cell (a root CPU).
    pub const EMPTY: CellView = CellView {
        name: [0; 32],
        cpus: 0,
        irqs: IrqSet::new(),
        comm_va: 0,
        virt_cpuid: false,
        console: false,
    };

    /// The name as text, for messages.
    pub fn name(&self) -> &str {
        let len = self.name.iter().position(|&b| b == 0).unwrap_or(32);
        core::str::from_utf8(&self.name[..len]).unwrap_or("?")
    }
}

/// State of one CPU, in its per-CPU state page.
#[repr(C)]
#[derive(Debug)]
pub(crate) struct PerCpu {
    pub cpu_id: u64,
    stub_vbar: u64,
    stub_hcr: u64,
    stub_sp: u64,
    /// `VMPIDR_EL2` as Linux set it up (the root's view of the CPU).
    root_vmpidr: u64,
    active: AtomicBool,
    pub stats: CpuStats,
    /// MPIDR_EL1 affinity fields, the CPU's PSCI name.
    pub mpidr: u64,
    /// Physical address of this CPU's GICv3 redistributor.
    pub gicr_pa: u64,
    /// EL2 address of the priority registers of this CPU's SGIs and PPIs
    /// (`GICR_IPRIORITYR0`, or the banked `GICD_IPRIORITYR0` of a GICv2),
    /// kept for the interrupt injection path.
    pub private_priority_va: u64,
    /// GICv2: this CPU's interface as a target mask (one bit, the banked
    /// `GICD_ITARGETSR0` byte); its number is also the source of the
    /// SGIs it sends.
    pub gicv2_target: u8,
    /// Number of GIC list registers.
    pub list_registers: usize,
    /// Power state ([`POWER_ON`] ...). Written by this CPU when it parks
    /// or resumes, by a CPU_ON caller, and by the root CPU that hands the
    /// CPU to a cell; the release stores publish the fields below.
    pub power: AtomicU32,
    /// A management request of the root ([`REQ_PARK`]), answered by this
    /// CPU with [`REQ_NONE`].
    pub request: AtomicU32,
    /// The CPU parked after an unhandled trap.
    pub failed: AtomicBool,
    /// Id of the cell the CPU belongs to.
    pub cell: AtomicU32,
    /// Entry point and context of the next start, valid once `power` is
    /// [`POWER_ON_PENDING`] (published by that release store).
    pub on_entry: AtomicU64,
    pub on_context: AtomicU64,
    /// The stage-2 context the CPU resumes in: `VTCR_EL2`, `VTTBR_EL2`,
    /// `HCR_EL2`, `VMPIDR_EL2`. Written while the CPU is parked.
    pub vtcr: AtomicU64,
    pub vttbr: AtomicU64,
    pub hcr: AtomicU64,
    pub vmpidr: AtomicU64,
    /// Virtual SGIs other CPUs of the cell sent, per source CPU interface
    /// (GICv2; GICv3 SGIs are all posted as from source 0): bit n = SGI n.
    pub pending_sgis: [AtomicU32; SGI_SOURCES],
    /// The cell this CPU runs (non-root cells only). Written only while
    /// the CPU is parked, before the release store of `power` that lets
    /// it resume; read by the CPU itself after its acquire load.
    view: UnsafeCell<CellView>,
    /// Virtual interrupts waiting for a list register. Only this CPU
    /// touches it, at EL2.
    pending: UnsafeCell<Pending>,
}

/// Running in its cell (the zeroed initial state).
pub(crate) const POWER_ON: u32 = 0;
/// Switched off by its cell (PSCI CPU_OFF): a CPU_ON of the cell wakes it.
pub(crate) const POWER_OFF: u32 = 1;
/// A CPU_ON caller owns the entry fields and is filling them in.
const POWER_CLAIMED: u32 = 2;
/// Entry fields are valid; the parked CPU may resume.
pub(crate) const POWER_ON_PENDING: u32 = 3;
/// Held by the hypervisor (cell stopped, or the CPU failed): only the
/// root's management starts it again.
pub(crate) const POWER_PARKED: u32 = 4;

/// No request.
pub(crate) const REQ_NONE: u32 = 0;
/// Park: stop running the cell, answer with `power` = [`POWER_PARKED`].
pub(crate) const REQ_PARK: u32 = 1;

impl PerCpu {
    /// The cell this CPU runs, as copied in at assignment.
    pub fn view(&self) -> &CellView {
        // SAFETY: see the field: written only while this CPU is parked and
        // not reading it, published by the `power` release store that the
        // reader's acquire load (when it resumed) synchronised with.
        unsafe { &*self.view.get() }
    }

    /// Replace the cell view. Only the root CPU that holds the cell lock,
    /// for a CPU that is parked.
    pub fn set_view(&self, view: CellView) {
        // SAFETY: the CPU is parked (it does not read the view until the
        // root publishes a start with a release store of `power`), and
        // the cell lock serialises the writers.
        unsafe { *self.view.get() = view };
    }

    /// This CPU's pending virtual interrupts. Only on this CPU, at EL2.
    #[allow(clippy::mut_from_ref)]
    pub fn pending(&self) -> &mut Pending {
        // SAFETY: only the owning CPU calls this, from its exit handlers,
        // which do not nest (EL2 runs with interrupts masked).
        unsafe { &mut *self.pending.get() }
    }
}

// SAFETY: the UnsafeCell fields follow the protocols documented on them;
// everything else is atomic or written once before the CPU is published.
unsafe impl Sync for PerCpu {}

/// CPUs that entered (in order); the first one initialises the system.
static ENTERED: AtomicU32 = AtomicU32::new(0);
/// CPUs that left through DISABLE.
static LEFT: AtomicU32 = AtomicU32::new(0);
/// Set once the first CPU initialised the system successfully.
static SYSTEM_READY: AtomicBool = AtomicBool::new(false);
static HV_PA: AtomicU64 = AtomicU64::new(0);
static HV_SIZE: AtomicU64 = AtomicU64::new(0);
/// Root CPUs as a bitmap (CPUs 0..63). Changed by cell management.
pub(crate) static ROOT_CPUS: AtomicU64 = AtomicU64::new(0);
/// Whether the root cell may use DEBUG_CONSOLE_PUTC.
static ROOT_CONSOLE: AtomicBool = AtomicBool::new(false);
static POOL_PAGES: AtomicU64 = AtomicU64::new(0);
/// Root context: `VTTBR_EL2` (VMID 0), `VTCR_EL2`, `HCR_EL2`.
static ROOT_VTTBR: AtomicU64 = AtomicU64::new(0);
static ROOT_VTCR: AtomicU64 = AtomicU64::new(0);
/// End of the root's IPA space that its stage 2 must cover.
static ROOT_IPA_END: AtomicU64 = AtomicU64::new(0);
/// IPA bits of the root's stage 2, chosen by the first CPU.
static ROOT_IPA_BITS: AtomicU32 = AtomicU32::new(0);
/// Where the driver put the system config (EL2 address, length).
static CONFIG_VA: AtomicU64 = AtomicU64::new(0);
static CONFIG_LEN: AtomicU64 = AtomicU64::new(0);

/// Largest page pool: all hypervisor memory behind an image.
const POOL_WORDS: usize = PagePool::bitmap_words(MAX_HYPERVISOR_MEMORY as usize / PAGE_SIZE);

/// Bitmap behind [`PAGE_POOL`], in the image's `.bss` (fresh at every
/// enable, because the driver copies the image anew).
struct PoolBitmap(UnsafeCell<[u64; POOL_WORDS]>);
// SAFETY: only `init_system` (the first CPU, before any other CPU runs
// hypervisor code) borrows the bitmap, once; afterwards it is reached only
// through the lock of `PAGE_POOL`.
unsafe impl Sync for PoolBitmap {}
static POOL_BITMAP: PoolBitmap = PoolBitmap(UnsafeCell::new([0; POOL_WORDS]));

/// The page pool: the hypervisor memory behind the image's core. It
/// lives as long as the hypervisor, so cells can take pages from it later.
/// The root's stage 2 (`.1`) is changed under the same lock.
pub(crate) static PAGE_POOL: SpinLock<Option<(PagePool<'static>, Option<Stage2>)>> =
    SpinLock::new(None);
/// Physical and EL2 virtual address of the pool's first page.
static POOL_PA: AtomicU64 = AtomicU64::new(0);

/// EL2 virtual address of hypervisor-memory physical address `pa`.
pub(crate) fn pool_va(pa: u64) -> u64 {
    HYPERVISOR_BASE + (pa - HV_PA.load(Ordering::Relaxed))
}

/// Stage-2 table pages from the page pool, zeroed. Invalidation drops
/// the current VMID's TLB entries, which is the root's: live tables are
/// only ever changed by root CPUs, on the root's tables.
pub(crate) struct PoolTables<'a>(pub &'a mut PagePool<'static>);

impl PoolTables<'_> {
    /// `count` zeroed pages aligned to `align` pages; their physical
    /// address.
    pub fn alloc_pages(&mut self, count: usize, align: usize) -> Option<u64> {
        let pool_pa = POOL_PA.load(Ordering::Relaxed);
        let base = (pool_pa / PAGE_SIZE as u64) as usize;
        let first = self.0.alloc_at(count, align, base).ok()?;
        let pa = pool_pa + (first * PAGE_SIZE) as u64;
        // SAFETY: the pool just handed out these pages; they lie in the
        // hypervisor memory, mapped read-write at pool_va(pa), and nothing
        // else uses them.
        unsafe { core::ptr::write_bytes(pool_va(pa) as *mut u8, 0, count * PAGE_SIZE) };
        Some(pa)
    }

    /// Return pages that [`Self::alloc_pages`] handed out.
    pub fn free_pages(&mut self, pa: u64, count: usize) {
        let first = ((pa - POOL_PA.load(Ordering::Relaxed)) / PAGE_SIZE as u64) as usize;
        if self.0.free(first, count).is_err() {
            println!("WARNING: page pool: bad free of {count} pages at {pa:#x}");
        }
    }
}

impl TableAlloc for PoolTables<'_> {
    fn alloc(&mut self, count: usize) -> Option<u64> {
        // Tables (and concatenated roots) need physical alignment.
        self.alloc_pages(count, count)
    }

    fn table(&mut self, pa: u64) -> &mut Table {
        // SAFETY: `pa` is a table page this allocator handed out (the
        // stage-2 builder only follows its own descriptors), mapped at
        // pool_va(pa); the pool lock held through `self.0` serialises
        // every writer.
        unsafe { &mut *(pool_va(pa) as *mut Table) }
    }

    fn free(&mut self, pa: u64, count: usize) {
        self.free_pages(pa, count);
    }

    fn invalidate(&mut self) {
        arch::flush_guest_tlb();
    }
}

pub(crate) fn pool_used() -> u64 {
    PAGE_POOL.lock().as_ref().map_or(0, |p| p.0.used() as u64)
}

pub(crate) fn print_pool_usage(when: &str) {
    println!(
        "Page pool usage {when}: mem {}/{}, remap 0/0",
        pool_used(),
        POOL_PAGES.load(Ordering::Relaxed)
    );
}

fn header() -> &'static HypervisorHeader {
    // SAFETY: the image header is the first 80 bytes of the image, mapped
    // at HYPERVISOR_BASE; the driver wrote it before entering any CPU and
    // nobody writes it while the hypervisor runs.
    unsafe { &*(HYPERVISOR_BASE as *const HypervisorHeader) }
}

/// The system config the hypervisor was enabled with.
pub(crate) fn system_config() -> SystemConfig<'static> {
    let (va, len) = (
        CONFIG_VA.load(Ordering::Relaxed),
        CONFIG_LEN.load(Ordering::Relaxed),
    );
    // SAFETY: init_system stored the place of the config it parsed
    // successfully; it lies in hypervisor memory that nothing writes.
    let bytes = unsafe { core::slice::from_raw_parts(va as *const u8, len as usize) };
    // The same bytes parsed before; parsing is deterministic.
    match SystemConfig::parse(bytes) {
        Ok(config) => config,
        Err(_) => unreachable_config(),
    }
}

#[cold]
fn unreachable_config() -> ! {
    println!("FATAL: system config changed under the hypervisor");
    loop {
        crate::arch::wait_for_event();
    }
}

fn percpu_base(cpu: u64) -> u64 {
    HYPERVISOR_BASE + header().core_size + cpu * PERCPU_SIZE as u64
}

/// The state of CPU `cpu`, if it runs under the hypervisor.
pub(crate) fn percpu(cpu: u64) -> Option<&'static PerCpu> {
    if cpu >= u64::from(header().max_cpus) {
        return None;
    }
    let state = (percpu_base(cpu) + PERCPU_STATE_OFFSET as u64) as *const PerCpu;
    // SAFETY: `cpu` is below max_cpus, so its state page lies inside the
    // mapped per-CPU array; it starts zeroed (driver) and is only written
    // by its own CPU at entry, through atomics otherwise.
    let pc = unsafe { &*state };
    pc.active.load(Ordering::Acquire).then_some(pc)
}

/// Each CPU in bitmap `mask` that runs under the hypervisor.
pub(crate) fn cpus_in(mask: u64) -> impl Iterator<Item = &'static PerCpu> {
    (0..64)
        .filter(move |c| mask & (1 << c) != 0)
        .filter_map(percpu)
}

pub(crate) fn this_cpu() -> &'static PerCpu {
    // SAFETY: TPIDR_EL2 holds this CPU's state page pointer from `enter`
    // on, and traps only happen after `enter` succeeded.
    unsafe { &*(arch::read_tpidr() as *const PerCpu) }
}

fn leave(
    frame: &mut Frame,
    pc_stub_vbar: u64,
    pc_stub_hcr: u64,
    stub_sp: u64,
    result: i64,
) -> ExitAction {
    frame.x[0] = result as u64;
    // SAFETY: the hyp stub's own HCR_EL2, recorded at entry: Linux ran
    // with it (no stage 2) before the hypervisor came.
    unsafe { arch::disable_stage2(pc_stub_hcr) };
    // SAFETY: the stub's vectors, recorded at entry; they are physical
    // addresses, valid once the exit path has switched the MMU off, and
    // no EL2 exception can be taken before that.
    unsafe { arch::write_vbar(pc_stub_vbar) };
    let hv_pa = HV_PA.load(Ordering::Relaxed);
    ExitAction {
        trampoline_pa: arch::trampoline_va() - HYPERVISOR_BASE + hv_pa,
        stub_sp,
    }
}

/// Entry of a CPU from the driver (MMU on, our vectors installed).
pub fn enter(frame: &mut Frame, hv_pa: u64, stub_vbar: u64) -> ExitAction {
    let cpu = frame.x[0];
    let stub_sp = frame.spare;
    let stub_hcr = arch::read_hcr();
    HV_PA.store(hv_pa, Ordering::Relaxed);
    let state = (percpu_base(cpu) + PERCPU_STATE_OFFSET as u64) as *mut PerCpu;
    // SAFETY: arch_entry checked cpu < max_cpus, so this is our own zeroed
    // state page; no other CPU reads it before `active` is set below.
    let st = unsafe { &mut *state };
    st.cpu_id = cpu;
    st.stub_vbar = stub_vbar;
    st.stub_hcr = stub_hcr;
    st.stub_sp = stub_sp;
    st.root_vmpidr = arch::read_vmpidr();
    st.stats.reset();
    st.mpidr = arch::read_mpidr() & psci::MPIDR_AFF_MASK;
    st.power.store(POWER_ON, Ordering::Relaxed);
    st.request.store(REQ_NONE, Ordering::Relaxed);
    st.failed.store(false, Ordering::Relaxed);
    st.cell.store(ROOT_ID, Ordering::Relaxed);
    for source in &st.pending_sgis {
        source.store(0, Ordering::Relaxed);
    }
    *st.view.get_mut() = CellView::EMPTY;
    st.pending.get_mut().clear();
    arch::write_tpidr(state as u64);

    let first = ENTERED.fetch_add(1, Ordering::AcqRel) == 0;
    let result = if first {
        init_system(cpu, hv_pa, frame.x[2])
    } else if SYSTEM_READY.load(Ordering::Acquire) {
        Ok(())
    } else {
        Err(Errno::Inval)
    };
    let result = result.and_then(|()| init_cpu(cpu, st));
    if let Err(e) = result {
        if SYSTEM_READY.load(Ordering::Relaxed) {
            println!(" CPU {cpu}... FAILED (error {})", e.to_result());
        }
        return leave(frame, stub_vbar, stub_hcr, stub_sp, e.to_result());
    }
    // Publishing `active` with release makes the fields above visible to
    // CPUs that read our statistics.
    st.active.store(true, Ordering::Release);
    println!(" CPU {cpu}... OK");
    if ENTERED.load(Ordering::Acquire) == header().online_cpus {
        print_pool_usage("after late setup");
        println!("Activating hypervisor");
    }
    frame.x[0] = 0;
    ExitAction::RESUME
}

fn init_system(cpu: u64, hv_pa: u64, hv_size: u64) -> Result<(), Errno> {
    let hdr = header();
    let percpu_bytes = u64::from(hdr.max_cpus) * PERCPU_SIZE as u64;
    let config_offset = hdr.core_size + percpu_bytes;
    let config_len = hv_size.checked_sub(config_offset).ok_or(Errno::Inval)?;
    // SAFETY: [config_offset, hv_size) lies inside the hypervisor memory,
    // all of which the boot tables map; the driver copied the config there
    // and nothing writes it while the hypervisor runs.
    let bytes = unsafe {
        core::slice::from_raw_parts(
            (HYPERVISOR_BASE + config_offset) as *const u8,
            config_len as usize,
        )
    };
    let config = SystemConfig::parse(bytes).map_err(|_| Errno::Inval)?;
    CONFIG_VA.store(HYPERVISOR_BASE + config_offset, Ordering::Relaxed);
    CONFIG_LEN.store(config.as_bytes().len() as u64, Ordering::Relaxed);
    let hv_mem = config.hypervisor_memory();
    if hv_mem.phys_start != hv_pa || hv_mem.size != hv_size {
        return Err(Errno::Inval);
    }

    let con = config.debug_console();
    let flags = con.console_flags();
    let uart = match con.console_type() {
        Ok(ConsoleType::Pl011) | Ok(ConsoleType::Uart8250)
            if flags.contains(ConsoleFlags::ACCESS_MMIO) =>
        {
            // SAFETY: only the first CPU runs this, before any other CPU
            // uses the tables; the UART slot is unused otherwise.
            let l2 = unsafe { arch::boot_table_mut(TABLE_L2_HIGH) };
            let va = paging::map_uart(l2, con.address) as usize;
            arch::publish_tables();
            Some(if con.console_type() == Ok(ConsoleType::Pl011) {
                console::Uart::Pl011(va)
            } else {
                console::Uart::Ns8250 {
                    base: va,
                    regdist_4: flags.contains(ConsoleFlags::REGDIST_4),
                }
            })
        }
        _ => None,
    };
    let ring = config
        .flags()
        .contains(SystemFlags::VIRTUAL_DEBUG_CONSOLE)
        .then(|| (HYPERVISOR_BASE + hdr.console_page) as *mut console::VirtConsolePage);
    // SAFETY: `uart` was just mapped as device memory at that address in the
    // shared tables; `ring` is the image's console page.
    unsafe { console::init(uart, ring) };

    println!("\nInitializing Jailhouse hypervisor {VERSION} on CPU {cpu}");
    println!("Code location: {:#018x}", HYPERVISOR_BASE + hdr.entry);

    let cpus = config.cpus();
    if cpus.last().is_none_or(|last| last >= 64) {
        println!("FATAL: root cell CPU set must name CPUs 0..63");
        return Err(Errno::Inval);
    }
    let online = hdr.online_cpus;
    if cpus.count() != online as usize {
        println!(
            "FATAL: {online} CPUs online, but the root cell has {}",
            cpus.count()
        );
        return Err(Errno::Inval);
    }
    ROOT_CPUS.store(cpus.iter().fold(0, |m, c| m | 1 << c), Ordering::Relaxed);
    ROOT_CONSOLE.store(
        config
            .root_cell()
            .flags()
            .contains(CellFlags::VIRTUAL_CONSOLE_PERMITTED),
        Ordering::Relaxed,
    );

    // The pool is everything behind the image; the per-CPU areas and the
    // config copy are its first users, as upstream counts them.
    let page = PAGE_SIZE as u64;
    let config_pages = page_align_up(config.as_bytes().len() as u64).ok_or(Errno::Inval)? / page;
    let pool_pages = ((hv_size - hdr.core_size) / page) as usize;
    POOL_PAGES.store(pool_pages as u64, Ordering::Relaxed);
    POOL_PA.store(hv_pa + hdr.core_size, Ordering::Relaxed);
    // SAFETY: see `PoolBitmap`: this is the one borrow, taken by the first
    // CPU before any other CPU can reach the pool.
    let bitmap: &'static mut [u64] = unsafe { &mut *POOL_BITMAP.0.get() };
    let mut pool = PagePool::new(bitmap, pool_pages).ok_or(Errno::NoMem)?;
    let reserved = hdr.max_cpus as usize * PERCPU_PAGES + config_pages as usize;
    pool.alloc(reserved, 1).map_err(|_| Errno::NoMem)?;
    *PAGE_POOL.lock() = Some((pool, None));
    HV_SIZE.store(hv_size, Ordering::Relaxed);
    print_pool_usage("after early setup");

    irqchip::init_system(&config)?;
    build_root_stage2(&config, hv_pa, hv_size)?;
    println!("Initializing processors:");
    SYSTEM_READY.store(true, Ordering::Release);
    Ok(())
}

/// The GIC frame the root reaches directly: with a GICv2, the virtual
/// CPU interface at the CPU interface's address (see the module docs);
/// none with a GICv3.
fn gic_regions(config: &SystemConfig<'_>) -> [MemoryRegion; 1] {
    let gic = config.platform_info().arm;
    let device = (MemFlags::READ | MemFlags::WRITE | MemFlags::IO).bits();
    let mapped = gic.gic_version == 2 && gic.gicc_base != 0 && gic.gicv_base != 0;
    [MemoryRegion {
        phys_start: gic.gicv_base,
        virt_start: gic.gicc_base,
        size: if mapped { 0x2000 } else { 0 },
        flags: device,
    }]
}

/// The hypervisor memory: never mapped to a cell.
pub(crate) fn hv_range() -> (u64, u64) {
    let pa = HV_PA.load(Ordering::Relaxed);
    (pa, pa + HV_SIZE.load(Ordering::Relaxed))
}

/// The root config's memory regions as the root's stage 2 maps them.
pub(crate) fn root_mapped_regions(
    config: &SystemConfig<'static>,
) -> impl Iterator<Item = MemoryRegion> {
    let gic = gic_regions(config);
    config
        .memory_regions()
        .iter()
        .filter(|r| !r.is_subpage() && !r.mem_flags().contains(MemFlags::COMM_REGION))
        .copied()
        .chain(gic.into_iter().filter(|r| r.size != 0))
}

fn build_root_stage2(
    config: &SystemConfig<'static>,
    hv_pa: u64,
    hv_size: u64,
) -> Result<(), Errno> {
    let ipa_end = root_mapped_regions(config)
        .map(|r| r.virt_start.saturating_add(r.size))
        .max()
        .unwrap_or(0);
    let geometry = Geometry::new(arch::read_id_aa64mmfr0(), ipa_end).map_err(|e| {
        println!("FATAL: root cell stage 2: {e}");
        Errno::Inval
    })?;
    let mut guard = PAGE_POOL.lock();
    let (pool, root_s2) = guard.as_mut().ok_or(Errno::NoMem)?;
    let mut tables = PoolTables(pool);
    let s2 = Stage2::new(geometry, &mut tables).map_err(|_| Errno::NoMem)?;
    for region in root_mapped_regions(config) {
        s2.map_region(&mut tables, &region, hv_pa, hv_pa + hv_size)
            .map_err(|e| {
                println!("FATAL: root cell region at {:#x}: {e}", {
                    region.phys_start
                });
                match e {
                    stage2::Stage2Error::OutOfPages => Errno::NoMem,
                    _ => Errno::Inval,
                }
            })?;
    }
    // The one exception to "never mapped": the console page, read-only,
    // so that the driver can show the hypervisor's output (sysfs
    // `console`), as upstream does. It holds nothing but that output.
    if config.flags().contains(SystemFlags::VIRTUAL_DEBUG_CONSOLE) {
        let console = MemoryRegion {
            phys_start: hv_pa + header().console_page,
            virt_start: hv_pa + header().console_page,
            size: PAGE_SIZE as u64,
            flags: MemFlags::READ.bits(),
        };
        s2.map_region(&mut tables, &console, 0, 0)
            .map_err(|_| Errno::Inval)?;
    }
    *root_s2 = Some(s2);
    ROOT_IPA_END.store(ipa_end, Ordering::Relaxed);
    ROOT_IPA_BITS.store(geometry.ipa_bits, Ordering::Relaxed);
    ROOT_VTTBR.store(Geometry::vttbr(s2.root_pa(), 0), Ordering::Relaxed);
    ROOT_VTCR.store(geometry.vtcr, Ordering::Relaxed);
    Ok(())
}

fn init_cpu(cpu: u64, st: &mut PerCpu) -> Result<(), Errno> {
    if cpu >= 64 || ROOT_CPUS.load(Ordering::Relaxed) & (1 << cpu) == 0 {
        return Err(Errno::Inval);
    }
    // Unmap this CPU's guard page so a stack overflow faults.
    let guard = percpu_base(cpu) + PERCPU_GUARD_OFFSET as u64;
    if let Some((table, entry)) = paging::l3_slot(guard, HV_SIZE.load(Ordering::Relaxed)) {
        // SAFETY: each CPU only clears its own guard page entry, which
        // nothing maps or uses otherwise.
        let l3 = unsafe { arch::boot_table_mut(table) };
        l3[entry] = 0;
        arch::flush_tlb_va(guard);
    }
    // This CPU's own PA size decides VTCR_EL2.PS; the IPA size must be
    // the one the tables were built for.
    let geometry = Geometry::new(
        arch::read_id_aa64mmfr0(),
        ROOT_IPA_END.load(Ordering::Relaxed),
    )
    .map_err(|_| Errno::Inval)?;
    if geometry.ipa_bits != ROOT_IPA_BITS.load(Ordering::Relaxed) {
        return Err(Errno::Inval);
    }
    irqchip::init_cpu(st)?;
    irqchip::lift_root_cpu(st);
    let hcr = root_hcr(st);
    st.vtcr.store(geometry.vtcr, Ordering::Relaxed);
    st.vttbr
        .store(ROOT_VTTBR.load(Ordering::Relaxed), Ordering::Relaxed);
    st.hcr.store(hcr, Ordering::Relaxed);
    st.vmpidr.store(st.root_vmpidr, Ordering::Relaxed);
    // SAFETY: the first CPU finished the root tables before SYSTEM_READY
    // was published (acquired by our caller); VM with those tables and
    // TSC with the SMC handler below keep Linux runnable.
    unsafe { arch::enable_stage2(geometry.vtcr, ROOT_VTTBR.load(Ordering::Relaxed), hcr) };
    Ok(())
}

/// The stage-2 context of the root cell for CPU `pc` (it returns to the
/// root): `VTCR_EL2`, `VTTBR_EL2`, `HCR_EL2`, `VMPIDR_EL2`.
pub(crate) fn root_context(pc: &PerCpu) -> (u64, u64, u64, u64) {
    (
        ROOT_VTCR.load(Ordering::Relaxed),
        ROOT_VTTBR.load(Ordering::Relaxed),
        root_hcr(pc),
        pc.root_vmpidr,
    )
}

/// `HCR_EL2` of a root CPU: the stub's plus stage 2 (VM), trapped SMCs
/// (TSC), an AArch64 EL1 (RW) and interrupts through EL2 (IMO, FMO).
fn root_hcr(pc: &PerCpu) -> u64 {
    pc.stub_hcr | HCR_VM | HCR_TSC | HCR_RW | HCR_FMO | HCR_IMO
}

/// `HCR_EL2` of a non-root cell CPU: the root's, with interrupts always
/// through EL2.
pub(crate) fn cell_hcr(pc: &PerCpu) -> u64 {
    root_hcr(pc) | HCR_FMO | HCR_IMO
}

/// HCR_EL2.VM: stage-2 translation.
const HCR_VM: u64 = 1 << 0;
/// HCR_EL2.FMO: physical FIQs go to EL2.
const HCR_FMO: u64 = 1 << 3;
/// HCR_EL2.IMO: physical IRQs go to EL2; EL1 sees the virtual interface.
const HCR_IMO: u64 = 1 << 4;
/// HCR_EL2.TSC: trap SMC.
const HCR_TSC: u64 = 1 << 19;
/// HCR_EL2.RW: EL1 is AArch64.
const HCR_RW: u64 = 1 << 31;

/// The view of the hypervisor a hypercall has: the caller's cell.
struct CallerContext<'a> {
    pc: &'a PerCpu,
}

impl CallerContext<'_> {
    fn root(&self) -> bool {
        self.pc.cell.load(Ordering::Relaxed) == ROOT_ID
    }
}

impl Context for CallerContext<'_> {
    fn is_root(&self) -> bool {
        self.root()
    }

    fn info(&self, kind: InfoKind) -> u64 {
        match kind {
            InfoKind::MemPoolSize => POOL_PAGES.load(Ordering::Relaxed),
            InfoKind::MemPoolUsed => pool_used(),
            InfoKind::RemapPoolSize | InfoKind::RemapPoolUsed => 0,
            InfoKind::NumCells => 1 + cell::count() as u64,
        }
    }

    fn cpu_state(&self, cpu: u64) -> Option<CpuState> {
        let target = percpu(cpu)?;
        // Cells may ask about their own CPUs only.
        if !self.root()
            && target.cell.load(Ordering::Relaxed) != self.pc.cell.load(Ordering::Relaxed)
        {
            return None;
        }
        Some(if target.failed.load(Ordering::Relaxed) {
            CpuState::Failed
        } else {
            CpuState::Running
        })
    }

    fn cpu_stat(&self, cpu: u64, info: CpuInfo) -> Option<u32> {
        match info {
            CpuInfo::Stat(stat) => {
                self.cpu_state(cpu)?;
                percpu(cpu).map(|pc| pc.stats.get(stat))
            }
            CpuInfo::State => None,
        }
    }

    fn console_permitted(&self) -> bool {
        if self.root() {
            ROOT_CONSOLE.load(Ordering::Relaxed)
        } else {
            self.pc.view().console
        }
    }

    fn putc(&self, byte: u8) {
        console::putc(byte);
    }

    fn cell_state(&self, id: u64) -> Result<u32, Errno> {
        cell::state(id)
    }

    fn cell_create(&self, config_pa: u64) -> Result<(), Errno> {
        cell::create(self.pc.cpu_id, config_pa)
    }

    fn cell_start(&self, id: u64) -> Result<(), Errno> {
        cell::start(id)
    }

    fn cell_set_loadable(&self, id: u64) -> Result<(), Errno> {
        cell::set_loadable(id)
    }

    fn cell_destroy(&self, id: u64) -> Result<(), Errno> {
        cell::destroy(id)
    }
}

/// A synchronous exception from a lower EL.
pub fn trap(frame: &mut Frame, esr: u64) -> ExitAction {
    let pc = this_cpu();
    let root = pc.cell.load(Ordering::Relaxed) == ROOT_ID;
    match trap::classify(esr) {
        Exit::Hypercall => {
            pc.stats.count_exit(CpuStat::VmexitsHypercall);
            let ctx = CallerContext { pc };
            match hypercall::dispatch(&ctx, frame.x[0], frame.x[1], frame.x[2]) {
                Outcome::Return(value) => {
                    frame.x[0] = value as u64;
                    ExitAction::RESUME
                }
                Outcome::Disable => disable(frame, pc),
            }
        }
        Exit::HypStubCall if root => {
            // Linux's hyp stub calls (kexec, hibernation) cannot be served
            // while the hypervisor owns EL2; the stub's own error answer
            // tells Linux so.
            pc.stats.count_exit(CpuStat::VmexitsManagement);
            frame.x[0] = HVC_STUB_ERR;
            ExitAction::RESUME
        }
        Exit::Smc => {
            smc(frame, pc, root);
            ExitAction::RESUME
        }
        Exit::SgiWrite { rt } => {
            pc.stats.count_exit(CpuStat::VmexitsVsgi);
            let value = if rt == 31 { 0 } else { frame.x[rt as usize] };
            irqchip::send_sgi(pc, value);
            arch::skip_instruction(true);
            ExitAction::RESUME
        }
        Exit::DataAbort(dabt) if root => {
            root_data_abort(frame, pc, dabt);
            ExitAction::RESUME
        }
        Exit::DataAbort(dabt) => {
            pc.stats.count_exit(CpuStat::VmexitsMmio);
            let ipa = DataAbort::ipa(arch::read_hpfar(), arch::read_far());
            match irqchip::emulate_mmio(pc, frame, ipa, dabt) {
                Ok(()) => {
                    arch::skip_instruction(dabt.long_insn);
                    ExitAction::RESUME
                }
                Err(()) => {
                    let dir = if dabt.write { "write" } else { "read" };
                    println!(
                        "Unhandled data {dir} at {ipa:#x}({})",
                        if dabt.valid { dabt.size } else { 0 }
                    );
                    println!("\nFATAL: unhandled trap (exception class 0x24)");
                    fail_cpu(frame, pc, esr)
                }
            }
        }
        Exit::InstructionAbort => {
            pc.stats.count_exit(CpuStat::VmexitsTotal);
            let ipa = DataAbort::ipa(arch::read_hpfar(), arch::read_far());
            println!("\nFATAL: instruction abort at {ipa:#x}");
            fail_cpu(frame, pc, esr)
        }
        Exit::Unhandled(ec) => {
            pc.stats.count_exit(CpuStat::VmexitsTotal);
            println!("\nFATAL: unhandled trap (exception class {ec:#04x})");
            fail_cpu(frame, pc, esr)
        }
        Exit::HypStubCall => {
            pc.stats.count_exit(CpuStat::VmexitsTotal);
            println!(
                "\nFATAL: forbidden access (exception class {:#04x})",
                trap::exception_class(esr)
            );
            fail_cpu(frame, pc, esr)
        }
    }
}

/// An interrupt taken to EL2 (any cell's CPU, the root's included).
/// Returns whether the management event arrived: then the exit path saves
/// the rest of the frame and calls [`irq_event`].
pub fn irq() -> bool {
    irqchip::handle_irq(this_cpu())
}

/// The second half of an interrupt exit that brought the management
/// event: act on the root's request.
pub fn irq_event(frame: &mut Frame) -> ExitAction {
    check_requests(frame, this_cpu());
    ExitAction::RESUME
}

/// Act on a management request of the root: park until restarted.
fn check_requests(frame: &mut Frame, pc: &PerCpu) {
    if pc.request.load(Ordering::Acquire) == REQ_PARK {
        park(frame, pc, POWER_PARKED);
    }
}

fn smc(frame: &mut Frame, pc: &PerCpu, root: bool) {
    let x = &frame.x;
    let action = if root {
        psci::handle(&CellCpus::root(), x[0], x[1], x[2], x[3])
    } else {
        psci::handle(&CellCpus::of(pc), x[0], x[1], x[2], x[3])
    };
    pc.stats.count_exit(match psci::kind(x[0]) {
        SmcKind::Psci => CpuStat::VmexitsPsci,
        SmcKind::Smccc => CpuStat::VmexitsSmccc,
    });
    // ELR_EL2 points at the `smc` itself (an SMC trapped by TSC is not
    // yet executed).
    arch::skip_instruction(true);
    match action {
        SmcAction::Return(value) => frame.x[0] = value as u64,
        // Only the root may reach the firmware (SYSTEM_OFF/RESET, SMCCC
        // services); a cell's request is refused.
        SmcAction::Forward if !root => frame.x[0] = psci::ret::NOT_SUPPORTED as u64,
        SmcAction::Forward => {
            let mut args = [0u64; 8];
            args.copy_from_slice(&frame.x[..8]);
            frame.x[..4].copy_from_slice(&arch::smc(args));
        }
        SmcAction::Suspend => {
            arch::wfi();
            frame.x[0] = psci::ret::SUCCESS as u64;
        }
        SmcAction::CpuOff => park(frame, pc, POWER_OFF),
    }
}

/// A root data access outside its stage 2: the GIC (emulated), or
/// memory the root does not own.
fn root_data_abort(frame: &mut Frame, pc: &PerCpu, dabt: DataAbort) {
    let far = arch::read_far();
    let ipa = DataAbort::ipa(arch::read_hpfar(), far);
    if irqchip::emulate_mmio(pc, frame, ipa, dabt).is_ok() {
        pc.stats.count_exit(CpuStat::VmexitsMmio);
        arch::skip_instruction(dabt.long_insn);
        return;
    }
    // A cell's creation may just have remapped the page (break-before-
    // make): if the access is allowed now, retry it.
    {
        let mut guard = PAGE_POOL.lock();
        if let Some((pool, Some(s2))) = guard.as_mut() {
            let leaf = stage2::walk(s2, &mut PoolTables(pool), ipa);
            if leaf.is_some_and(|l| l.readable() && (!dabt.write || l.writable())) {
                return;
            }
        }
    }
    pc.stats.count_exit(CpuStat::VmexitsMmio);
    let dir = if dabt.write { "write" } else { "read" };
    println!(
        "Unhandled data {dir} at {ipa:#x}({}) on CPU {} (Cell: \"root\"): external abort injected",
        if dabt.valid { dabt.size } else { 0 },
        pc.cpu_id
    );
    // Parking a root CPU would hang Linux; a bus error lets it kill the
    // offending process (or oops, for the kernel).
    let inject = trap::data_abort_injection(arch::read_spsr(), dabt.write);
    // SAFETY: this is a synchronous exit of a root CPU, whose Linux has
    // its vectors installed.
    unsafe { arch::inject_el1_exception(inject.vector_offset, inject.esr, far) };
}

/// A CPU of a non-root cell did something it may not: dump its state,
/// mark it failed (the cell fails when all its CPUs have), park it. A
/// root CPU that gets here (a hypervisor bug or an impossible trap) is
/// parked for good.
fn fail_cpu(frame: &mut Frame, pc: &PerCpu, esr: u64) -> ExitAction {
    dump(frame, esr);
    let id = pc.cell.load(Ordering::Relaxed);
    if id == ROOT_ID {
        println!("Parking CPU {} (Cell: \"root\")", pc.cpu_id);
        loop {
            crate::arch::wait_for_event();
        }
    }
    let view = pc.view();
    println!("Parking CPU {} (Cell: \"{}\")", pc.cpu_id, view.name());
    pc.failed.store(true, Ordering::Release);
    if cpus_in(view.cpus).all(|c| c.failed.load(Ordering::Acquire)) {
        cell::comm_set_state(view.comm_va, jailhouse_abi::hypercall::CellState::Failed);
    }
    park(frame, pc, POWER_PARKED);
    ExitAction::RESUME
}

/// Park this CPU at EL2 with power state `state` (OFF: its cell may wake
/// it with CPU_ON; PARKED: only the root's management restarts it), then,
/// once started, resume its (possibly new) cell at the start address.
pub(crate) fn park(frame: &mut Frame, pc: &PerCpu, state: u32) {
    if pc.cell.load(Ordering::Relaxed) != ROOT_ID {
        arch::stop_el1_timers();
    }
    irqchip::quiesce_cpu(pc);
    // Release: AFFINITY_INFO callers that see OFF may reuse what the CPU
    // left behind (Linux frees its idle stack).
    pc.power.store(state, Ordering::Release);
    crate::arch::send_event();
    loop {
        if pc.request.load(Ordering::Acquire) == REQ_PARK {
            // Answer the root: parked (this also cancels a CPU_ON that
            // its cell had under way), then the request is done.
            pc.power.store(POWER_PARKED, Ordering::Release);
            pc.request.store(REQ_NONE, Ordering::Release);
            crate::arch::send_event();
            continue;
        }
        // Acquire pairs with the release store of ON_PENDING, so the
        // entry fields and the context below are visible.
        if pc.power.load(Ordering::Acquire) == POWER_ON_PENDING {
            // Running from here on. A park request posted meanwhile is
            // seen either here or by its poster, who then kicks us with
            // SGI_EVENT (SeqCst on both sides, see `cell::park_cpu`):
            // without this check a request that came while the root saw
            // ON_PENDING would wait for ever.
            pc.power.store(POWER_ON, Ordering::SeqCst);
            if pc.request.load(Ordering::SeqCst) == REQ_PARK {
                continue;
            }
            break;
        }
        crate::arch::wait_for_event();
    }
    resume(frame, pc);
}

/// Start this (parked) CPU in its cell at the published entry point.
fn resume(frame: &mut Frame, pc: &PerCpu) {
    let entry = pc.on_entry.load(Ordering::Relaxed);
    let context = pc.on_context.load(Ordering::Relaxed);
    let in_cell = pc.cell.load(Ordering::Relaxed) != ROOT_ID;
    // SAFETY: the root published this context for the CPU's cell (its
    // complete tables) before the release store of ON_PENDING we acquired.
    unsafe {
        arch::switch_guest(
            pc.vtcr.load(Ordering::Relaxed),
            pc.vttbr.load(Ordering::Relaxed),
            pc.hcr.load(Ordering::Relaxed),
            pc.vmpidr.load(Ordering::Relaxed),
        );
    }
    if in_cell {
        irqchip::enter_cell(pc);
    } else {
        irqchip::enter_root(pc);
    }
    frame.x = [0; 31];
    frame.x[0] = context;
    if in_cell {
        // SAFETY: the CPU (re)starts its cell at `entry`; nothing of the
        // previous EL1 context may survive into it.
        unsafe { arch::reset_el1_full(entry) };
    } else {
        // SAFETY: Linux asked for this CPU to start at `entry` (CPU_ON).
        unsafe { arch::reset_el1(entry) };
    }
}

/// The CPUs of a cell, for PSCI.
struct CellCpus {
    mask: u64,
    virt_cpuid: bool,
}

impl CellCpus {
    fn root() -> Self {
        Self {
            mask: ROOT_CPUS.load(Ordering::Relaxed),
            virt_cpuid: false,
        }
    }

    fn of(pc: &PerCpu) -> Self {
        Self {
            mask: pc.view().cpus,
            virt_cpuid: pc.view().virt_cpuid,
        }
    }
}

/// The MPIDR affinity CPU `cpu` shows to its cell: the physical one, or
/// with virtual CPU ids its index in the cell's CPU set.
pub(crate) fn guest_mpidr(pc: &PerCpu, cell_cpus: u64, virt_cpuid: bool) -> u64 {
    if virt_cpuid {
        u64::from((cell_cpus & ((1u64 << pc.cpu_id) - 1)).count_ones())
    } else {
        pc.mpidr
    }
}

impl PsciCpus for CellCpus {
    fn find(&self, mpidr: u64) -> Option<u64> {
        cpus_in(self.mask)
            .find(|pc| guest_mpidr(pc, self.mask, self.virt_cpuid) == mpidr)
            .map(|pc| pc.cpu_id)
    }

    fn power(&self, cpu: u64) -> Power {
        match percpu(cpu).map(|pc| pc.power.load(Ordering::Acquire)) {
            Some(POWER_OFF | POWER_PARKED) => Power::Off,
            Some(POWER_CLAIMED | POWER_ON_PENDING) => Power::OnPending,
            _ => Power::On,
        }
    }

    fn power_on(&self, cpu: u64, entry: u64, context: u64) -> Result<(), PowerOnError> {
        let pc = percpu(cpu).ok_or(PowerOnError::AlreadyOn)?;
        // Claim the entry fields first, so two CPU_ONs cannot mix them.
        match pc.power.compare_exchange(
            POWER_OFF,
            POWER_CLAIMED,
            Ordering::Acquire,
            Ordering::Acquire,
        ) {
            Ok(_) => {}
            Err(POWER_ON) => return Err(PowerOnError::AlreadyOn),
            Err(POWER_PARKED) => return Err(PowerOnError::Denied),
            Err(_) => return Err(PowerOnError::OnPending),
        }
        pc.on_entry.store(entry, Ordering::Relaxed);
        pc.on_context.store(context, Ordering::Relaxed);
        // A park request may have taken the CPU meanwhile (it stores
        // PARKED over CLAIMED); then the CPU stays with the root.
        pc.power
            .compare_exchange(
                POWER_CLAIMED,
                POWER_ON_PENDING,
                Ordering::Release,
                Ordering::Relaxed,
            )
            .map_err(|_| PowerOnError::Denied)?;
        crate::arch::send_event();
        Ok(())
    }
}

/// Linux's `HVC_STUB_ERR`.
const HVC_STUB_ERR: u64 = 0xbad_ca11;

fn disable(frame: &mut Frame, pc: &PerCpu) -> ExitAction {
    if cell::count() != 0 {
        frame.x[0] = Errno::Busy.to_result() as u64;
        return ExitAction::RESUME;
    }
    if LEFT.fetch_add(1, Ordering::AcqRel) == 0 {
        println!("Shutting down hypervisor");
    }
    println!(" Releasing CPU {}", pc.cpu_id);
    // Not in upstream's log: the CPU's exit statistics.
    let stat = |s| pc.stats.get(s);
    println!(
        "  exits: total {}, virq {}, vsgi {}, mmio {}, maintenance {}, hypercall {}, psci {}, smccc {}, management {}",
        stat(CpuStat::VmexitsTotal),
        stat(CpuStat::VmexitsVirq),
        stat(CpuStat::VmexitsVsgi),
        stat(CpuStat::VmexitsMmio),
        stat(CpuStat::VmexitsMaintenance),
        stat(CpuStat::VmexitsHypercall),
        stat(CpuStat::VmexitsPsci),
        stat(CpuStat::VmexitsSmccc),
        stat(CpuStat::VmexitsManagement)
    );
    // Interrupts back to Linux before this CPU stops counting as under
    // the hypervisor: SGIs of root CPUs still here then go to it
    // physically (see `irqchip::send_sgi`).
    irqchip::lower_root_cpu(pc);
    pc.active.store(false, Ordering::Release);
    leave(frame, pc.stub_vbar, pc.stub_hcr, pc.stub_sp, 0)
}

fn dump(frame: &Frame, esr: u64) {
    println!("Cell state before exception:");
    println!(
        " pc: {:016x}   spsr: {:08x}   esr: {:08x}   far: {:016x}",
        arch::read_elr(),
        arch::read_spsr(),
        esr,
        arch::read_far()
    );
    for (i, pair) in frame.x.chunks(3).enumerate() {
        let mut line = [0u64; 3];
        line[..pair.len()].copy_from_slice(pair);
        match pair.len() {
            3 => println!(
                " x{}: {:016x}   x{}: {:016x}   x{}: {:016x}",
                i * 3,
                line[0],
                i * 3 + 1,
                line[1],
                i * 3 + 2,
                line[2]
            ),
            _ => println!(" x{}: {:016x}", i * 3, line[0]),
        }
    }
}

/// An exception taken from EL2 itself: a hypervisor bug.
pub fn fatal_el2(frame: &mut Frame, slot: u64, esr: u64) -> ! {
    println!("\nFATAL: Unhandled HYP exception (vector slot {slot})");
    dump(frame, esr);
    println!("Stopping CPU {}", this_cpu().cpu_id);
    loop {
        crate::arch::wait_for_event();
    }
}
