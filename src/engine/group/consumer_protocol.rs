//! The KIP-848 consumer group protocol (`group.protocol=consumer`, kafka-reference.md §5.2): no
//! JoinGroup/SyncGroup; members heartbeat every `group.consumer.heartbeat.interval.ms`, the coordinator
//! bumps the *group epoch* on every membership change and computes a *target assignment* with a
//! server-side assignor (§2.6), and each member converges on its target one heartbeat at a time
//! (`CurrentAssignmentBuilder`): first it revokes what it must give up, then its *member epoch* moves to
//! the target epoch, and it receives a partition only once the previous owner acknowledged revoking it.
//!
//! Simplifications: the target assignment is computed at once (the group never shows `Assigning`);
//! a member revokes as soon as the heartbeat response tells it to and acknowledges in its next heartbeat;
//! subscriptions and topic metadata do not change, so only membership changes bump the group epoch.

use super::{Group, GroupContext, GroupState, Member};
use crate::engine::events::PartitionRef;

impl Group {
    /// Scenario members start converged: group epoch 1, every member at epoch 1 owning its target.
    pub(super) fn consumer_start(&mut self, ctx: &mut GroupContext) {
        if self.member_keys().is_empty() {
            return;
        }
        self.generation = 1;
        self.compute_target(ctx);
        for index in 0..self.members.len() {
            let key = self.members[index].key;
            let target = self.target.get(&key).cloned().unwrap_or_default();
            self.members[index].set_assigned(target);
            self.members[index].generation = self.target_epoch;
            self.position_member(index, ctx);
        }
        self.update_consumer_state();
        ctx.narration.push(format!(
            "group {} epoch {} Stable; assignment ({}): {}",
            self.name,
            self.generation,
            self.config.assignor.protocol_name(),
            self.assignment_summary(ctx)
        ));
        ctx.visible_change = true;
    }

    /// A member's first heartbeat (member epoch 0): the group epoch goes up and the target is recomputed.
    pub(super) fn consumer_join(&mut self, index: usize, ctx: &mut GroupContext) {
        self.members[index].generation = 0;
        let reason = format!("member {} joined", self.members[index].client_id);
        self.bump_group_epoch(reason, ctx);
        self.reconcile(index, ctx);
    }

    /// A member left or was fenced: the group epoch goes up and its partitions are retargeted.
    pub(super) fn consumer_member_left(&mut self, reason: String, ctx: &mut GroupContext) {
        self.bump_group_epoch(reason, ctx);
    }

    /// Bump the group epoch and compute the new target assignment (`GroupMetadataManager`).
    pub(super) fn bump_group_epoch(&mut self, reason: String, ctx: &mut GroupContext) {
        self.generation += 1;
        self.rebalances += 1;
        self.compute_target(ctx);
        self.update_consumer_state();
        ctx.visible_change = true;
        let targets: Vec<String> = self
            .members
            .iter()
            .filter(|m| m.in_group)
            .map(|m| {
                let target = self.target.get(&m.key).cloned().unwrap_or_default();
                format!("{} → {}", m.client_id, ctx.partition_list(&target))
            })
            .collect();
        ctx.narration.push(format!(
            "group {}: rebalance ({reason}), group epoch {}; target assignment ({}): {}",
            self.name,
            self.generation,
            self.config.assignor.protocol_name(),
            targets.join("; ")
        ));
    }

    /// The server-side assignor over the members' current targets (their `assignedPartitions`).
    fn compute_target(&mut self, ctx: &GroupContext) {
        let keys = self.member_keys();
        let subscriptions =
            self.subscriptions(ctx, &keys, |m| self.target.get(&m.key).cloned().unwrap_or_default(), false);
        self.target = self.run_assignor(ctx, &subscriptions);
        self.target_epoch = self.generation;
    }

    /// The coordinator processes a heartbeat from member `index` and moves it one step towards its target.
    pub(super) fn consumer_heartbeat(&mut self, index: usize, ctx: &mut GroupContext) {
        self.reconcile(index, ctx);
    }

    /// `CurrentAssignmentBuilder`: acknowledge pending revocations; revoke what is no longer targeted
    /// (epoch unchanged until done); then move to the target epoch and take the targeted partitions
    /// that no other member still owns or has yet to release.
    fn reconcile(&mut self, index: usize, ctx: &mut GroupContext) {
        let key = self.members[index].key;
        let target = self.target.get(&key).cloned().unwrap_or_default();
        if !self.members[index].pending_revocation.is_empty() {
            self.members[index].pending_revocation.clear();
            ctx.visible_change = true;
        }
        let revoke: Vec<PartitionRef> =
            self.members[index].assigned.iter().copied().filter(|p| !target.contains(p)).collect();
        if !revoke.is_empty() {
            let _ = self.commit_member(index, ctx);
            let member = &mut self.members[index];
            member.revoke(&revoke);
            member.pending_revocation = revoke.clone();
            ctx.narration.push(format!(
                "group {}: {} revokes {} (member epoch {}, target epoch {})",
                self.name,
                member.client_id,
                ctx.partition_list(&revoke),
                member.generation,
                self.target_epoch
            ));
            ctx.visible_change = true;
            self.update_consumer_state();
            return;
        }
        let epoch_moved = self.members[index].generation != self.target_epoch;
        self.members[index].generation = self.target_epoch;
        let free: Vec<PartitionRef> = target
            .iter()
            .copied()
            .filter(|p| !self.members[index].assigned.contains(p) && !self.held_by_another(key, *p))
            .collect();
        if !free.is_empty() {
            let mut assigned = self.members[index].assigned.clone();
            assigned.extend(free.iter().copied());
            assigned.sort();
            self.members[index].set_assigned(assigned);
            self.members[index].error = None;
            self.position_member(index, ctx);
        }
        if epoch_moved || !free.is_empty() {
            let member = &self.members[index];
            ctx.narration.push(format!(
                "group {}: {} at member epoch {} owns {}",
                self.name,
                member.client_id,
                member.generation,
                ctx.partition_list(&member.assigned)
            ));
            ctx.visible_change = true;
        }
        self.update_consumer_state();
    }

    /// Whether another member still owns `p` or has not yet acknowledged revoking it.
    fn held_by_another(&self, key: u64, p: PartitionRef) -> bool {
        self.members
            .iter()
            .filter(|m| m.in_group && m.key != key)
            .any(|m| m.assigned.contains(&p) || m.pending_revocation.contains(&p))
    }

    /// Whether member `m` owns exactly its target at the target epoch.
    pub(super) fn consumer_converged(&self, m: &Member) -> bool {
        let target = self.target.get(&m.key).cloned().unwrap_or_default();
        m.generation == self.target_epoch
            && m.pending_revocation.is_empty()
            && m.assigned.len() == target.len()
            && m.assigned.iter().all(|p| target.contains(p))
    }

    /// Empty, Reconciling (someone is still converging) or Stable.
    fn update_consumer_state(&mut self) {
        let members: Vec<&Member> = self.members.iter().filter(|m| m.in_group).collect();
        self.state = if members.is_empty() {
            GroupState::Empty
        } else if members.iter().all(|m| self.consumer_converged(m)) {
            GroupState::Stable
        } else {
            GroupState::Reconciling
        };
    }
}
