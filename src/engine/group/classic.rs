//! The classic group protocol (`group.protocol=classic`, kafka-reference.md §5.1): the coordinator's
//! state machine (`ClassicGroup`: Empty → PreparingRebalance → CompletingRebalance → Stable) and the
//! client's side of it (`ConsumerCoordinator`: learn of a rebalance from a heartbeat, revoke, rejoin,
//! the leader runs the assignor and sends SyncGroup).

use std::collections::BTreeMap;

use super::config::RebalanceProtocol;
use super::{Group, GroupContext, GroupEvent, GroupState};
use crate::engine::events::PartitionRef;

impl Group {
    /// Scenario members start joined: one join phase already done, generation 1 Stable, the first
    /// member leading.
    pub(super) fn classic_start(&mut self, ctx: &mut GroupContext) {
        let keys = self.member_keys();
        if keys.is_empty() {
            return;
        }
        self.round += 1;
        for index in 0..self.members.len() {
            self.members[index].joined_round = Some(self.round);
            self.members[index].join_order = self.next_join_order;
            self.next_join_order += 1;
        }
        self.leader = keys.first().copied();
        self.generation = 1;
        for member in self.members.iter_mut() {
            member.generation = 1;
        }
        self.state = GroupState::CompletingRebalance;
        self.sync_assignment(ctx);
        for key in keys {
            self.deliver_assignment(key, ctx);
        }
    }

    /// A member sends JoinGroup (`ConsumerCoordinator.joinGroupIfNeeded`); it reaches the coordinator one
    /// hop later. Until its SyncGroup response arrives the member is rejoining.
    pub(super) fn send_join_group(&mut self, index: usize, ctx: &mut GroupContext) {
        let hop = self.config.hop_ms();
        let member = &mut self.members[index];
        member.rejoin_needed = false;
        member.join_in_flight = true;
        member.awaiting_assignment = true;
        ctx.schedule.push((ctx.now + hop, GroupEvent::JoinGroupArrives { member: member.key }));
    }

    /// A JoinGroup reaches the coordinator. One from a member the coordinator already removed (rebalance
    /// timeout) is dropped: Kafka answers UNKNOWN_MEMBER_ID and the client rejoins with a new id when it
    /// next polls, which [`Group::resume`] models.
    pub(super) fn on_join_group_arrives(&mut self, key: u64, ctx: &mut GroupContext) {
        let Some(index) = self.index_of(key) else { return };
        let member = &mut self.members[index];
        if !member.join_in_flight {
            return;
        }
        member.join_in_flight = false;
        if !member.in_group {
            member.awaiting_assignment = false;
            return;
        }
        self.classic_join(index, ctx);
    }

    /// The coordinator receives member `index`'s JoinGroup. Joining a settled group starts a rebalance;
    /// an Empty group's join phase waits `group.initial.rebalance.delay.ms` for more members, extended
    /// with each arrival up to the rebalance timeout (`InitialDelayedJoin`).
    pub(super) fn classic_join(&mut self, index: usize, ctx: &mut GroupContext) {
        let client = self.members[index].client_id.clone();
        if self.state != GroupState::PreparingRebalance {
            let initial = self.state == GroupState::Empty;
            self.begin_rebalance(format!("member {client} joined"), initial, ctx);
        }
        let round = self.round;
        let member = &mut self.members[index];
        member.joined_round = Some(round);
        member.join_order = self.next_join_order;
        member.rejoin_needed = false;
        member.last_heartbeat = ctx.now;
        self.next_join_order += 1;
        if self.initial_join {
            let cap = self.join_started + self.config.max_poll_interval_ms;
            self.join_deadline = (ctx.now + self.config.initial_rebalance_delay_ms).min(cap);
            ctx.schedule.push((self.join_deadline, GroupEvent::JoinDeadline { round }));
        } else {
            self.try_complete_join(ctx);
        }
    }

    /// Move to PreparingRebalance: every member must rejoin; they learn it from their next heartbeat.
    pub(super) fn begin_rebalance(&mut self, reason: String, initial: bool, ctx: &mut GroupContext) {
        ctx.visible_change = true;
        if self.state == GroupState::PreparingRebalance {
            ctx.narration.push(format!("group {}: {reason}", self.name));
            return;
        }
        self.round += 1;
        self.rebalances += 1;
        self.synced.clear();
        self.state = GroupState::PreparingRebalance;
        self.join_started = ctx.now;
        self.initial_join = initial;
        for member in self.members.iter_mut() {
            member.joined_round = None;
        }
        let delay = if initial {
            format!(
                ", waiting group.initial.rebalance.delay.ms={} for more members",
                self.config.initial_rebalance_delay_ms
            )
        } else {
            self.join_deadline = ctx.now + self.config.max_poll_interval_ms;
            ctx.schedule.push((self.join_deadline, GroupEvent::JoinDeadline { round: self.round }));
            String::new()
        };
        ctx.narration.push(format!(
            "group {}: rebalance ({reason}), generation {} ({}){delay}",
            self.name,
            self.generation + 1,
            self.config.rebalance_protocol().name(),
        ));
    }

    /// End the join phase as soon as every known member has rejoined (`ClassicGroup.hasAllMembersJoined`).
    fn try_complete_join(&mut self, ctx: &mut GroupContext) {
        if self.state != GroupState::PreparingRebalance || self.initial_join {
            return;
        }
        let round = self.round;
        if self.members.iter().filter(|m| m.in_group).all(|m| m.joined_round == Some(round)) {
            self.complete_join(ctx);
        }
    }

    /// The join phase's timer: the initial delay, or the rebalance timeout (`max.poll.interval.ms`).
    pub(super) fn on_join_deadline(&mut self, round: u64, ctx: &mut GroupContext) {
        if round != self.round || self.state != GroupState::PreparingRebalance || ctx.now < self.join_deadline {
            return;
        }
        self.complete_join(ctx);
    }

    /// Members that did not rejoin are removed, the generation goes up by one (even to an Empty group,
    /// `initNextGeneration`), and the leader gets everyone's subscription.
    fn complete_join(&mut self, ctx: &mut GroupContext) {
        let round = self.round;
        let late: Vec<u64> =
            self.members.iter().filter(|m| m.in_group && m.joined_round != Some(round)).map(|m| m.key).collect();
        for key in late {
            if let Some(index) = self.index_of(key) {
                ctx.narration.push(format!(
                    "group {}: member {} removed: did not rejoin within the rebalance timeout (max.poll.interval.ms={})",
                    self.name, self.members[index].client_id, self.config.max_poll_interval_ms
                ));
                self.detach(index, "rebalance timeout");
            }
        }
        self.generation += 1;
        self.initial_join = false;
        let generation = self.generation;
        for member in self.members.iter_mut().filter(|m| m.in_group) {
            member.generation = generation;
        }
        ctx.visible_change = true;
        let keys = self.member_keys();
        if keys.is_empty() {
            self.state = GroupState::Empty;
            self.leader = None;
            ctx.narration.push(format!("group {}: no members; Empty at generation {}", self.name, self.generation));
            return;
        }
        if self.leader.is_none_or(|l| !keys.contains(&l)) {
            self.leader = self.members.iter().filter(|m| m.in_group).min_by_key(|m| m.join_order).map(|m| m.key);
        }
        self.state = GroupState::CompletingRebalance;
        let leader = self.leader.and_then(|l| self.member(l)).map(|m| m.client_id.clone()).unwrap_or_default();
        ctx.narration.push(format!(
            "group {}: join phase complete, generation {}, {} members, leader {leader} runs the {} assignor",
            self.name,
            self.generation,
            keys.len(),
            self.config.assignor.protocol_name()
        ));
        // The JoinGroup response reaches the leader, whose SyncGroup comes back: two hops.
        ctx.schedule.push((ctx.now + 2 * self.config.hop_ms(), GroupEvent::SyncGroup { round }));
    }

    /// The leader's SyncGroup arrives with the assignment; every member gets its part and the group is Stable.
    pub(super) fn on_sync_group(&mut self, round: u64, ctx: &mut GroupContext) {
        if round != self.round || self.state != GroupState::CompletingRebalance {
            return;
        }
        self.sync_assignment(ctx);
        let hop = self.config.hop_ms();
        for key in self.synced.keys() {
            ctx.schedule.push((ctx.now + hop, GroupEvent::SyncGroupResponse { member: *key, round }));
        }
    }

    /// A member's SyncGroup response arrives. A response of a superseded round is dropped: the member
    /// learns of the new rebalance from it (REBALANCE_IN_PROGRESS) and rejoins.
    pub(super) fn on_sync_group_response(&mut self, key: u64, round: u64, ctx: &mut GroupContext) {
        if round != self.round {
            if let Some(index) = self.index_of(key)
                && self.members[index].in_group
                && !self.members[index].join_in_flight
            {
                self.members[index].rejoin_needed = true;
            }
            return;
        }
        self.deliver_assignment(key, ctx);
    }

    /// The leader's SyncGroup carries the assignment it computed (client side, §2); the coordinator
    /// stores it and the group is Stable. Members take their part when their response arrives.
    fn sync_assignment(&mut self, ctx: &mut GroupContext) {
        self.synced = self.leader_assignment(ctx);
        self.state = GroupState::Stable;
        ctx.visible_change = true;
        let parts: Vec<String> = self
            .members
            .iter()
            .filter(|m| m.in_group)
            .map(|m| format!("{} → {}", m.client_id, ctx.partition_list(self.synced.get(&m.key).map_or(&[], |v| v))))
            .collect();
        ctx.narration.push(format!(
            "group {} generation {} Stable; assignment ({}): {}",
            self.name,
            self.generation,
            self.config.assignor.protocol_name(),
            parts.join("; ")
        ));
    }

    /// Member `key` takes its assignment of the current round. Under the cooperative protocol it first
    /// revokes what it lost (committing it), then rejoins: the follow-up rebalance hands those partitions
    /// to their new owners (§2.5). Under eager it revoked everything before rejoining.
    fn deliver_assignment(&mut self, key: u64, ctx: &mut GroupContext) {
        let Some(index) = self.index_of(key) else { return };
        let Some(new) = self.synced.remove(&key) else { return };
        if !self.members[index].in_group {
            return;
        }
        let revoked: Vec<PartitionRef> =
            self.members[index].assigned.iter().copied().filter(|p| !new.contains(p)).collect();
        if self.config.rebalance_protocol() == RebalanceProtocol::Cooperative && !revoked.is_empty() {
            let _ = self.commit_member(index, ctx);
            ctx.narration.push(format!(
                "group {}: {} revokes {} and rejoins for a follow-up rebalance (cooperative)",
                self.name,
                self.members[index].client_id,
                ctx.partition_list(&revoked)
            ));
            self.members[index].rejoin_needed = true;
        }
        let generation = self.generation;
        let member = &mut self.members[index];
        member.set_assigned(new);
        member.generation = generation;
        member.awaiting_assignment = false;
        member.error = None;
        self.position_member(index, ctx);
        ctx.visible_change = true;
    }

    /// The assignment the leader computes: eager members claim what they held before revoking (sticky
    /// assignors read it from their user data), cooperative ones what they still own.
    fn leader_assignment(&self, ctx: &GroupContext) -> BTreeMap<u64, Vec<PartitionRef>> {
        let keys = self.member_keys();
        let subscriptions = match self.config.rebalance_protocol() {
            RebalanceProtocol::Eager => self.subscriptions(ctx, &keys, |m| m.previous.clone(), true),
            RebalanceProtocol::Cooperative => self.subscriptions(ctx, &keys, |m| m.assigned.clone(), true),
        };
        self.run_assignor(ctx, &subscriptions)
    }

    /// The coordinator answers a heartbeat: during a rebalance, a member that has not rejoined yet is
    /// told REBALANCE_IN_PROGRESS and will rejoin from its next `poll()`.
    pub(super) fn classic_heartbeat(&mut self, index: usize, ctx: &mut GroupContext) {
        let round = self.round;
        let member = &mut self.members[index];
        if self.state.is_rebalancing()
            && member.joined_round != Some(round)
            && !member.rejoin_needed
            && !member.join_in_flight
        {
            member.rejoin_needed = true;
            ctx.narration
                .push(format!("group {}: {} heartbeat answered REBALANCE_IN_PROGRESS", self.name, member.client_id));
            ctx.visible_change = true;
        }
    }

    /// Before fetching, a member that must rejoin does so (`ConsumerCoordinator.onJoinPrepare`): under
    /// the eager protocol it commits and revokes everything first, and stops consuming.
    pub(super) fn classic_before_poll(&mut self, key: u64, ctx: &mut GroupContext) {
        let Some(index) = self.index_of(key) else { return };
        if !self.members[index].rejoin_needed || !self.members[index].in_group || self.members[index].join_in_flight {
            return;
        }
        if self.config.rebalance_protocol() == RebalanceProtocol::Eager {
            let _ = self.commit_member(index, ctx);
            let member = &mut self.members[index];
            member.previous = member.assigned.clone();
            if !member.assigned.is_empty() {
                ctx.narration.push(format!(
                    "group {}: {} commits and revokes all its partitions {} (eager)",
                    self.name,
                    member.client_id,
                    ctx.partition_list(&member.previous)
                ));
            }
            member.set_assigned(Vec::new());
        }
        self.send_join_group(index, ctx);
    }

    /// A member left or was removed: a settled group rebalances; a group in its join phase may now be complete.
    pub(super) fn classic_member_left(&mut self, reason: String, ctx: &mut GroupContext) {
        match self.state {
            GroupState::PreparingRebalance => {
                ctx.narration.push(format!("group {}: {reason}", self.name));
                self.try_complete_join(ctx);
                if self.initial_join && self.member_keys().is_empty() {
                    self.complete_join(ctx);
                }
            }
            GroupState::Empty | GroupState::Dead => ctx.narration.push(format!("group {}: {reason}", self.name)),
            _ => {
                self.begin_rebalance(reason, false, ctx);
                self.try_complete_join(ctx);
            }
        }
    }
}
