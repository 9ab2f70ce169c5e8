//! The fair choice of what to judge next. A worker holds a window of stream entries delivered to
//! it but not started; when a judging slot frees up it starts the entry of the user with the
//! fewest submissions being judged, then the one least recently served, then the oldest entry.
//! So however many submissions one user queues, another user's waits for at most one judging
//! slot to free up; with a single user the worker still uses every slot.

use std::collections::{HashMap, VecDeque};

use uuid::Uuid;

/// A stream entry waiting in a worker's window.
#[derive(Debug)]
pub struct Waiting<P> {
    pub entry_id: String,
    pub submission_id: Option<Uuid>,
    /// `None` for an entry whose submission could not be looked up: it is dealt with first.
    pub user_id: Option<Uuid>,
    /// Held while the entry is in the worker (a window slot).
    pub permit: P,
}

/// Entries waiting in order of arrival, and who is being served.
#[derive(Debug)]
pub struct Backlog<P> {
    waiting: VecDeque<Waiting<P>>,
    in_flight: HashMap<Uuid, usize>,
    /// When each user last had a submission started, as a sequence number.
    last_started: HashMap<Uuid, u64>,
    started: u64,
}

impl<P> Default for Backlog<P> {
    fn default() -> Self {
        Self {
            waiting: VecDeque::new(),
            in_flight: HashMap::new(),
            last_started: HashMap::new(),
            started: 0,
        }
    }
}

impl<P> Backlog<P> {
    pub fn push(&mut self, entry: Waiting<P>) {
        self.waiting.push_back(entry);
    }

    pub fn contains(&self, entry_id: &str) -> bool {
        self.waiting.iter().any(|w| w.entry_id == entry_id)
    }

    /// Ids of the waiting entries (to keep them claimed).
    pub fn entry_ids(&self) -> Vec<String> {
        self.waiting.iter().map(|w| w.entry_id.clone()).collect()
    }

    pub fn len(&self) -> usize {
        self.waiting.len()
    }

    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    /// Takes the next entry to judge and counts its user as served.
    pub fn take_next(&mut self) -> Option<Waiting<P>> {
        let index = self
            .waiting
            .iter()
            .enumerate()
            .min_by_key(|(position, w)| match w.user_id {
                None => (0, 0, *position),
                Some(user) => (
                    self.in_flight.get(&user).copied().unwrap_or(0) + 1,
                    self.last_started.get(&user).copied().unwrap_or(0),
                    *position,
                ),
            })
            .map(|(index, _)| index)?;
        let entry = self.waiting.remove(index)?;
        if let Some(user) = entry.user_id {
            self.started += 1;
            *self.in_flight.entry(user).or_default() += 1;
            self.last_started.insert(user, self.started);
        }
        Some(entry)
    }

    /// A judging started by [`Backlog::take_next`] ended.
    pub fn finished(&mut self, user_id: Option<Uuid>) {
        let Some(user) = user_id else { return };
        if let Some(count) = self.in_flight.get_mut(&user) {
            *count -= 1;
            if *count == 0 {
                self.in_flight.remove(&user);
            }
        }
        // Forget users with nothing waiting or running, so the map stays bounded.
        let waiting = |u: &Uuid| self.waiting.iter().any(|w| w.user_id == Some(*u));
        let keep: Vec<Uuid> = self
            .last_started
            .keys()
            .filter(|u| self.in_flight.contains_key(u) || waiting(u))
            .copied()
            .collect();
        self.last_started.retain(|u, _| keep.contains(u));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: usize, user: Uuid) -> Waiting<()> {
        Waiting {
            entry_id: format!("{n}-0"),
            submission_id: None,
            user_id: Some(user),
            permit: (),
        }
    }

    #[test]
    fn a_late_user_is_served_before_an_earlier_users_backlog() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let mut backlog = Backlog::default();
        for n in 0..5 {
            backlog.push(entry(n, a));
        }
        let first = backlog.take_next().unwrap();
        assert_eq!(first.user_id, Some(a));
        backlog.push(entry(5, b));
        backlog.finished(first.user_id);
        assert_eq!(backlog.take_next().unwrap().user_id, Some(b), "b goes next");
        assert_eq!(
            backlog.take_next().unwrap().user_id,
            Some(a),
            "then a again"
        );
    }

    #[test]
    fn one_user_alone_uses_every_slot_in_order() {
        let a = Uuid::new_v4();
        let mut backlog = Backlog::default();
        for n in 0..3 {
            backlog.push(entry(n, a));
        }
        let order: Vec<String> = (0..3)
            .map(|_| backlog.take_next().unwrap().entry_id)
            .collect();
        assert_eq!(order, ["0-0", "1-0", "2-0"]);
        assert!(backlog.is_empty());
    }
}
