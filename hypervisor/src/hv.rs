// SPDX-License-Identifier: GPL-2.0-only

//! The hypervisor's life cycle on the root cell's CPUs: enable (the init
//! order below), trap handling, and disable.
//!
//! Init order, per CPU as the driver enters them one by one:
//! 1. per-CPU state (stub state to restore, statistics);
//! 2. first CPU only: system config (found behind the per-CPU areas,
//!    checked against the memory the CPU was entered with), debug console,
//!    banner, page pool accounting;
//! 3. CPU init: the CPU must belong to the root cell; its stack guard page
//!    is unmapped; HCR_EL2 for the root;
//! 4. last CPU: the "late setup" page pool line, "Activating hypervisor".
//!
//! # What the root cell is, so far
//!
//! The root keeps running with the stub's `HCR_EL2` (RW set): **no stage-2
//! translation (VM = 0) and SMCs not trapped (TSC = 0)**. Hypercalls trap
//! (HVC always reaches EL2), so enable, disable, statistics and the
//! console work, but the root cell is not yet confined: the hypervisor
//! memory is still reachable by Linux. Stage-2, GIC emulation and PSCI
//! follow in later steps of issue 4.

use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

use jailhouse_abi::config::{ConsoleFlags, ConsoleType, SystemConfig, SystemFlags};
use jailhouse_abi::header::HypervisorHeader;
use jailhouse_abi::hypercall::{CpuInfo, CpuStat, CpuState, Errno, InfoKind};

use crate::arch::aarch64::{self as arch, ExitAction, Frame};
use crate::hypercall::{self, Context, Outcome};
use crate::layout::{
    page_align_up, HYPERVISOR_BASE, PAGE_SIZE, PERCPU_GUARD_OFFSET, PERCPU_PAGES, PERCPU_SIZE,
    PERCPU_STATE_OFFSET,
};
use crate::paging::{self, TABLE_L2_HIGH};
use crate::stats::CpuStats;
use crate::trap::{self, Exit};
use crate::{console, println};

/// Version shown in the banner.
const VERSION: &str = concat!("v", env!("CARGO_PKG_VERSION"));

/// State of one CPU, in its per-CPU state page.
#[repr(C)]
#[derive(Debug)]
pub struct PerCpu {
    cpu_id: u64,
    stub_vbar: u64,
    stub_hcr: u64,
    stub_sp: u64,
    active: AtomicBool,
    stats: CpuStats,
}

/// CPUs that entered (in order); the first one initialises the system.
static ENTERED: AtomicU32 = AtomicU32::new(0);
/// CPUs that left through DISABLE.
static LEFT: AtomicU32 = AtomicU32::new(0);
/// Set once the first CPU initialised the system successfully.
static SYSTEM_READY: AtomicBool = AtomicBool::new(false);
static HV_PA: AtomicU64 = AtomicU64::new(0);
static HV_SIZE: AtomicU64 = AtomicU64::new(0);
/// Root CPUs as a bitmap (CPUs 0..63).
static ROOT_CPUS: AtomicU64 = AtomicU64::new(0);
/// Whether the root cell may use DEBUG_CONSOLE_PUTC.
static ROOT_CONSOLE: AtomicBool = AtomicBool::new(false);
static POOL_PAGES: AtomicU64 = AtomicU64::new(0);
static POOL_USED: AtomicU64 = AtomicU64::new(0);

fn header() -> &'static HypervisorHeader {
    // SAFETY: the image header is the first 80 bytes of the image, mapped
    // at HYPERVISOR_BASE; the driver wrote it before entering any CPU and
    // nobody writes it while the hypervisor runs.
    unsafe { &*(HYPERVISOR_BASE as *const HypervisorHeader) }
}

fn percpu_base(cpu: u64) -> u64 {
    HYPERVISOR_BASE + header().core_size + cpu * PERCPU_SIZE as u64
}

fn percpu(cpu: u64) -> Option<&'static PerCpu> {
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

fn this_cpu() -> &'static PerCpu {
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
    // with it before the hypervisor came.
    unsafe { arch::write_hcr(pc_stub_hcr) };
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
    st.stats.reset();
    arch::write_tpidr(state as u64);

    let first = ENTERED.fetch_add(1, Ordering::AcqRel) == 0;
    let result = if first {
        init_system(cpu, hv_pa, frame.x[2])
    } else if SYSTEM_READY.load(Ordering::Acquire) {
        Ok(())
    } else {
        Err(Errno::Inval)
    };
    let result = result.and_then(|()| init_cpu(cpu));
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

fn print_pool_usage(when: &str) {
    println!(
        "Page pool usage {when}: mem {}/{}, remap 0/0",
        POOL_USED.load(Ordering::Relaxed),
        POOL_PAGES.load(Ordering::Relaxed)
    );
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
    let hv_mem = config.hypervisor_memory();
    if hv_mem.phys_start != hv_pa || hv_mem.size != hv_size {
        return Err(Errno::Inval);
    }

    let con = config.debug_console();
    let uart = (con.console_type() == Ok(ConsoleType::Pl011)
        && con.console_flags().contains(ConsoleFlags::ACCESS_MMIO))
    .then(|| {
        // SAFETY: only the first CPU runs this, before any other CPU uses
        // the tables; the UART slot is unused otherwise.
        let l2 = unsafe { arch::boot_table_mut(TABLE_L2_HIGH) };
        let va = paging::map_uart(l2, con.address);
        arch::publish_tables();
        va as usize
    });
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
            .contains(jailhouse_abi::config::CellFlags::VIRTUAL_CONSOLE_PERMITTED),
        Ordering::Relaxed,
    );

    // The pool is everything behind the image; the per-CPU areas and the
    // config copy are its first users, as upstream counts them.
    let page = PAGE_SIZE as u64;
    let config_pages = page_align_up(config.as_bytes().len() as u64).ok_or(Errno::Inval)? / page;
    POOL_PAGES.store((hv_size - hdr.core_size) / page, Ordering::Relaxed);
    POOL_USED.store(
        u64::from(hdr.max_cpus) * PERCPU_PAGES as u64 + config_pages,
        Ordering::Relaxed,
    );
    HV_SIZE.store(hv_size, Ordering::Relaxed);
    print_pool_usage("after early setup");
    println!("Initializing processors:");
    SYSTEM_READY.store(true, Ordering::Release);
    Ok(())
}

fn init_cpu(cpu: u64) -> Result<(), Errno> {
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
    Ok(())
}

/// The root cell's view of the hypervisor for hypercalls.
struct RootContext;

impl Context for RootContext {
    fn info(&self, kind: InfoKind) -> u64 {
        match kind {
            InfoKind::MemPoolSize => POOL_PAGES.load(Ordering::Relaxed),
            InfoKind::MemPoolUsed => POOL_USED.load(Ordering::Relaxed),
            InfoKind::RemapPoolSize | InfoKind::RemapPoolUsed => 0,
            InfoKind::NumCells => 1,
        }
    }

    fn cpu_state(&self, cpu: u64) -> Option<CpuState> {
        percpu(cpu).map(|_| CpuState::Running)
    }

    fn cpu_stat(&self, cpu: u64, info: CpuInfo) -> Option<u32> {
        match info {
            CpuInfo::Stat(stat) => percpu(cpu).map(|pc| pc.stats.get(stat)),
            CpuInfo::State => None,
        }
    }

    fn console_permitted(&self) -> bool {
        ROOT_CONSOLE.load(Ordering::Relaxed)
    }

    fn putc(&self, byte: u8) {
        console::putc(byte);
    }
}

/// A synchronous exception from the root cell.
pub fn trap(frame: &mut Frame, esr: u64) -> ExitAction {
    let pc = this_cpu();
    match trap::classify(esr) {
        Exit::Hypercall => {
            pc.stats.count_exit(CpuStat::VmexitsHypercall);
            match hypercall::dispatch(&RootContext, frame.x[0], frame.x[1], frame.x[2]) {
                Outcome::Return(value) => {
                    frame.x[0] = value as u64;
                    ExitAction::RESUME
                }
                Outcome::Disable => disable(frame, pc),
            }
        }
        Exit::HypStubCall => {
            // Linux's hyp stub calls (kexec, hibernation) cannot be served
            // while the hypervisor owns EL2; the stub's own error answer
            // tells Linux so.
            pc.stats.count_exit(CpuStat::VmexitsManagement);
            frame.x[0] = HVC_STUB_ERR;
            ExitAction::RESUME
        }
        Exit::Unhandled(ec) => {
            pc.stats.count_exit(CpuStat::VmexitsTotal);
            println!("\nFATAL: unhandled trap (exception class {ec:#04x})");
            dump(frame, esr);
            park(pc.cpu_id)
        }
    }
}

/// Linux's `HVC_STUB_ERR`.
const HVC_STUB_ERR: u64 = 0xbad_ca11;

fn disable(frame: &mut Frame, pc: &PerCpu) -> ExitAction {
    if LEFT.fetch_add(1, Ordering::AcqRel) == 0 {
        println!("Shutting down hypervisor");
    }
    println!(" Releasing CPU {}", pc.cpu_id);
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

fn park(cpu: u64) -> ! {
    println!("Parking CPU {cpu} (Cell: \"root\")");
    loop {
        crate::arch::wait_for_event();
    }
}

/// An exception taken from EL2 itself: a hypervisor bug.
pub fn fatal_el2(frame: &mut Frame, slot: u64, esr: u64) -> ! {
    println!("\nFATAL: Unhandled HYP exception (vector slot {slot})");
    dump(frame, esr);
    park(arch::read_tpidr())
}
