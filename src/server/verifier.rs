//! Fix verification off the main loop. A document's diagnostics are published as soon as the
//! rules have run; verifying their fixes (applying them, re-parsing, CPython's limits, the
//! structural check) takes longer than the rules on a large module, and only rarely changes
//! what a diagnostic says (a fix that fails is taken off, and its label says so). So a worker
//! thread verifies while the editor already shows the findings; the main loop takes its result,
//! republishes if a label changed, and waits for it before offering a fix.

use std::collections::HashMap;
use std::thread;

use crossbeam_channel::{unbounded, Receiver, Sender};
use lsp_types::Url;

use super::analysis::guarded;
use crate::engine::Found;
use crate::finding::Finding;

/// One document's findings to verify. `analysis` tells the analysis they belong to apart from
/// a later one (a newer text, or new settings for the same text).
pub struct Job {
    pub uri: Url,
    pub analysis: u64,
    pub found: Found,
}

/// The verified findings of a [`Job`], or the message of the panic verifying them.
pub struct Outcome {
    pub uri: Url,
    pub analysis: u64,
    pub findings: Result<Vec<Finding>, String>,
}

pub struct Verifier {
    jobs: Sender<Job>,
    pub outcomes: Receiver<Outcome>,
}

impl Verifier {
    pub fn start(stack_size: usize) -> std::io::Result<Verifier> {
        let (jobs, queue) = unbounded::<Job>();
        let (results, outcomes) = unbounded();
        thread::Builder::new().name("cancelsafe-verify".to_string()).stack_size(stack_size).spawn(move || {
            while let Ok(first) = queue.recv() {
                // A burst of edits queues several texts of one document: only its newest counts.
                let mut newest: Vec<Job> = Vec::new();
                let mut slot: HashMap<Url, usize> = HashMap::new();
                for job in std::iter::once(first).chain(queue.try_iter()) {
                    match slot.get(&job.uri) {
                        Some(&index) => newest[index] = job,
                        None => {
                            slot.insert(job.uri.clone(), newest.len());
                            newest.push(job);
                        }
                    }
                }
                for Job { uri, analysis, found } in newest {
                    let findings = guarded(|| found.verify());
                    if results.send(Outcome { uri, analysis, findings }).is_err() {
                        return;
                    }
                }
            }
        })?;
        Ok(Verifier { jobs, outcomes })
    }

    pub fn submit(&self, job: Job) {
        // The worker only stops when the server does.
        let _ = self.jobs.send(job);
    }
}
