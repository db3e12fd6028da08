// Code generated from Linux 6.18's /proc/net/snmp, snmp6 and netstat (the
// fixtures under pkg/stack/kernel/testdata/proc/linux-6.18); DO NOT EDIT.

package ref

// The MIB counters, in the order nstat lists them: /proc/net/snmp (without
// IcmpMsg, which is per ICMP type, and without the constants nstat drops),
// snmp6 (without the per-type Icmp6 counters), then netstat.
const (
	// snmp: Ip
	IpInReceives Counter = iota
	IpInHdrErrors
	IpInAddrErrors
	IpForwDatagrams
	IpInUnknownProtos
	IpInDiscards
	IpInDelivers
	IpOutRequests
	IpOutDiscards
	IpOutNoRoutes
	IpReasmTimeout
	IpReasmReqds
	IpReasmOKs
	IpReasmFails
	IpFragOKs
	IpFragFails
	IpFragCreates
	IpOutTransmits
	// snmp: Icmp
	IcmpInMsgs
	IcmpInErrors
	IcmpInCsumErrors
	IcmpInDestUnreachs
	IcmpInTimeExcds
	IcmpInParmProbs
	IcmpInSrcQuenchs
	IcmpInRedirects
	IcmpInEchos
	IcmpInEchoReps
	IcmpInTimestamps
	IcmpInTimestampReps
	IcmpInAddrMasks
	IcmpInAddrMaskReps
	IcmpOutMsgs
	IcmpOutErrors
	IcmpOutRateLimitGlobal
	IcmpOutRateLimitHost
	IcmpOutDestUnreachs
	IcmpOutTimeExcds
	IcmpOutParmProbs
	IcmpOutSrcQuenchs
	IcmpOutRedirects
	IcmpOutEchos
	IcmpOutEchoReps
	IcmpOutTimestamps
	IcmpOutTimestampReps
	IcmpOutAddrMasks
	IcmpOutAddrMaskReps
	// snmp: Tcp
	TcpActiveOpens
	TcpPassiveOpens
	TcpAttemptFails
	TcpEstabResets
	TcpInSegs
	TcpOutSegs
	TcpRetransSegs
	TcpInErrs
	TcpOutRsts
	TcpInCsumErrors
	// snmp: Udp
	UdpInDatagrams
	UdpNoPorts
	UdpInErrors
	UdpOutDatagrams
	UdpRcvbufErrors
	UdpSndbufErrors
	UdpInCsumErrors
	UdpIgnoredMulti
	UdpMemErrors
	// snmp: UdpLite
	UdpLiteInDatagrams
	UdpLiteNoPorts
	UdpLiteInErrors
	UdpLiteOutDatagrams
	UdpLiteRcvbufErrors
	UdpLiteSndbufErrors
	UdpLiteInCsumErrors
	UdpLiteIgnoredMulti
	UdpLiteMemErrors
	// snmp6: Ip6
	Ip6InReceives
	Ip6InHdrErrors
	Ip6InTooBigErrors
	Ip6InNoRoutes
	Ip6InAddrErrors
	Ip6InUnknownProtos
	Ip6InTruncatedPkts
	Ip6InDiscards
	Ip6InDelivers
	Ip6OutForwDatagrams
	Ip6OutRequests
	Ip6OutDiscards
	Ip6OutNoRoutes
	Ip6ReasmTimeout
	Ip6ReasmReqds
	Ip6ReasmOKs
	Ip6ReasmFails
	Ip6FragOKs
	Ip6FragFails
	Ip6FragCreates
	Ip6InMcastPkts
	Ip6OutMcastPkts
	Ip6InOctets
	Ip6OutOctets
	Ip6InMcastOctets
	Ip6OutMcastOctets
	Ip6InBcastOctets
	Ip6OutBcastOctets
	Ip6InNoECTPkts
	Ip6InECT1Pkts
	Ip6InECT0Pkts
	Ip6InCEPkts
	Ip6OutTransmits
	Icmp6InMsgs
	Icmp6InErrors
	Icmp6OutMsgs
	Icmp6OutErrors
	Icmp6InCsumErrors
	Icmp6OutRateLimitHost
	Icmp6InDestUnreachs
	Icmp6InPktTooBigs
	Icmp6InTimeExcds
	Icmp6InParmProblems
	Icmp6InEchos
	Icmp6InEchoReplies
	Icmp6InGroupMembQueries
	Icmp6InGroupMembResponses
	Icmp6InGroupMembReductions
	Icmp6InRouterSolicits
	Icmp6InRouterAdvertisements
	Icmp6InNeighborSolicits
	Icmp6InNeighborAdvertisements
	Icmp6InRedirects
	Icmp6InMLDv2Reports
	Icmp6OutDestUnreachs
	Icmp6OutPktTooBigs
	Icmp6OutTimeExcds
	Icmp6OutParmProblems
	Icmp6OutEchos
	Icmp6OutEchoReplies
	Icmp6OutGroupMembQueries
	Icmp6OutGroupMembResponses
	Icmp6OutGroupMembReductions
	Icmp6OutRouterSolicits
	Icmp6OutRouterAdvertisements
	Icmp6OutNeighborSolicits
	Icmp6OutNeighborAdvertisements
	Icmp6OutRedirects
	Icmp6OutMLDv2Reports
	Udp6InDatagrams
	Udp6NoPorts
	Udp6InErrors
	Udp6OutDatagrams
	Udp6RcvbufErrors
	Udp6SndbufErrors
	Udp6InCsumErrors
	Udp6IgnoredMulti
	Udp6MemErrors
	UdpLite6InDatagrams
	UdpLite6NoPorts
	UdpLite6InErrors
	UdpLite6OutDatagrams
	UdpLite6RcvbufErrors
	UdpLite6SndbufErrors
	UdpLite6InCsumErrors
	UdpLite6MemErrors
	// netstat: TcpExt
	TcpExtSyncookiesSent
	TcpExtSyncookiesRecv
	TcpExtSyncookiesFailed
	TcpExtEmbryonicRsts
	TcpExtPruneCalled
	TcpExtRcvPruned
	TcpExtOfoPruned
	TcpExtOutOfWindowIcmps
	TcpExtLockDroppedIcmps
	TcpExtArpFilter
	TcpExtTW
	TcpExtTWRecycled
	TcpExtTWKilled
	TcpExtPAWSActive
	TcpExtPAWSEstab
	TcpExtBeyondWindow
	TcpExtTSEcrRejected
	TcpExtPAWSOldAck
	TcpExtPAWSTimewait
	TcpExtDelayedACKs
	TcpExtDelayedACKLocked
	TcpExtDelayedACKLost
	TcpExtListenOverflows
	TcpExtListenDrops
	TcpExtTCPHPHits
	TcpExtTCPPureAcks
	TcpExtTCPHPAcks
	TcpExtTCPRenoRecovery
	TcpExtTCPSackRecovery
	TcpExtTCPSACKReneging
	TcpExtTCPSACKReorder
	TcpExtTCPRenoReorder
	TcpExtTCPTSReorder
	TcpExtTCPFullUndo
	TcpExtTCPPartialUndo
	TcpExtTCPDSACKUndo
	TcpExtTCPLossUndo
	TcpExtTCPLostRetransmit
	TcpExtTCPRenoFailures
	TcpExtTCPSackFailures
	TcpExtTCPLossFailures
	TcpExtTCPFastRetrans
	TcpExtTCPSlowStartRetrans
	TcpExtTCPTimeouts
	TcpExtTCPLossProbes
	TcpExtTCPLossProbeRecovery
	TcpExtTCPRenoRecoveryFail
	TcpExtTCPSackRecoveryFail
	TcpExtTCPRcvCollapsed
	TcpExtTCPBacklogCoalesce
	TcpExtTCPDSACKOldSent
	TcpExtTCPDSACKOfoSent
	TcpExtTCPDSACKRecv
	TcpExtTCPDSACKOfoRecv
	TcpExtTCPAbortOnData
	TcpExtTCPAbortOnClose
	TcpExtTCPAbortOnMemory
	TcpExtTCPAbortOnTimeout
	TcpExtTCPAbortOnLinger
	TcpExtTCPAbortFailed
	TcpExtTCPMemoryPressures
	TcpExtTCPMemoryPressuresChrono
	TcpExtTCPSACKDiscard
	TcpExtTCPDSACKIgnoredOld
	TcpExtTCPDSACKIgnoredNoUndo
	TcpExtTCPSpuriousRTOs
	TcpExtTCPMD5NotFound
	TcpExtTCPMD5Unexpected
	TcpExtTCPMD5Failure
	TcpExtTCPSackShifted
	TcpExtTCPSackMerged
	TcpExtTCPSackShiftFallback
	TcpExtTCPBacklogDrop
	TcpExtPFMemallocDrop
	TcpExtTCPMinTTLDrop
	TcpExtTCPDeferAcceptDrop
	TcpExtIPReversePathFilter
	TcpExtTCPTimeWaitOverflow
	TcpExtTCPReqQFullDoCookies
	TcpExtTCPReqQFullDrop
	TcpExtTCPRetransFail
	TcpExtTCPRcvCoalesce
	TcpExtTCPOFOQueue
	TcpExtTCPOFODrop
	TcpExtTCPOFOMerge
	TcpExtTCPChallengeACK
	TcpExtTCPSYNChallenge
	TcpExtTCPFastOpenActive
	TcpExtTCPFastOpenActiveFail
	TcpExtTCPFastOpenPassive
	TcpExtTCPFastOpenPassiveFail
	TcpExtTCPFastOpenListenOverflow
	TcpExtTCPFastOpenCookieReqd
	TcpExtTCPFastOpenBlackhole
	TcpExtTCPSpuriousRtxHostQueues
	TcpExtBusyPollRxPackets
	TcpExtTCPAutoCorking
	TcpExtTCPFromZeroWindowAdv
	TcpExtTCPToZeroWindowAdv
	TcpExtTCPWantZeroWindowAdv
	TcpExtTCPSynRetrans
	TcpExtTCPOrigDataSent
	TcpExtTCPHystartTrainDetect
	TcpExtTCPHystartTrainCwnd
	TcpExtTCPHystartDelayDetect
	TcpExtTCPHystartDelayCwnd
	TcpExtTCPACKSkippedSynRecv
	TcpExtTCPACKSkippedPAWS
	TcpExtTCPACKSkippedSeq
	TcpExtTCPACKSkippedFinWait2
	TcpExtTCPACKSkippedTimeWait
	TcpExtTCPACKSkippedChallenge
	TcpExtTCPWinProbe
	TcpExtTCPKeepAlive
	TcpExtTCPMTUPFail
	TcpExtTCPMTUPSuccess
	TcpExtTCPDelivered
	TcpExtTCPDeliveredCE
	TcpExtTCPAckCompressed
	TcpExtTCPZeroWindowDrop
	TcpExtTCPRcvQDrop
	TcpExtTCPWqueueTooBig
	TcpExtTCPFastOpenPassiveAltKey
	TcpExtTcpTimeoutRehash
	TcpExtTcpDuplicateDataRehash
	TcpExtTCPDSACKRecvSegs
	TcpExtTCPDSACKIgnoredDubious
	TcpExtTCPMigrateReqSuccess
	TcpExtTCPMigrateReqFailure
	TcpExtTCPPLBRehash
	TcpExtTCPAORequired
	TcpExtTCPAOBad
	TcpExtTCPAOKeyNotFound
	TcpExtTCPAOGood
	TcpExtTCPAODroppedIcmps
	// netstat: IpExt
	IpExtInNoRoutes
	IpExtInTruncatedPkts
	IpExtInMcastPkts
	IpExtOutMcastPkts
	IpExtInBcastPkts
	IpExtOutBcastPkts
	IpExtInOctets
	IpExtOutOctets
	IpExtInMcastOctets
	IpExtOutMcastOctets
	IpExtInBcastOctets
	IpExtOutBcastOctets
	IpExtInCsumErrors
	IpExtInNoECTPkts
	IpExtInECT1Pkts
	IpExtInECT0Pkts
	IpExtInCEPkts
	IpExtReasmOverlaps
	// netstat: MPTcpExt
	MPTcpExtMPCapableSYNRX
	MPTcpExtMPCapableSYNTX
	MPTcpExtMPCapableSYNACKRX
	MPTcpExtMPCapableACKRX
	MPTcpExtMPCapableFallbackACK
	MPTcpExtMPCapableFallbackSYNACK
	MPTcpExtMPCapableSYNTXDrop
	MPTcpExtMPCapableSYNTXDisabled
	MPTcpExtMPCapableEndpAttempt
	MPTcpExtMPFallbackTokenInit
	MPTcpExtMPTCPRetrans
	MPTcpExtMPJoinNoTokenFound
	MPTcpExtMPJoinSynRx
	MPTcpExtMPJoinSynBackupRx
	MPTcpExtMPJoinSynAckRx
	MPTcpExtMPJoinSynAckBackupRx
	MPTcpExtMPJoinSynAckHMacFailure
	MPTcpExtMPJoinAckRx
	MPTcpExtMPJoinAckHMacFailure
	MPTcpExtMPJoinRejected
	MPTcpExtMPJoinSynTx
	MPTcpExtMPJoinSynTxCreatSkErr
	MPTcpExtMPJoinSynTxBindErr
	MPTcpExtMPJoinSynTxConnectErr
	MPTcpExtDSSNotMatching
	MPTcpExtDSSCorruptionFallback
	MPTcpExtDSSCorruptionReset
	MPTcpExtInfiniteMapTx
	MPTcpExtInfiniteMapRx
	MPTcpExtDSSNoMatchTCP
	MPTcpExtDataCsumErr
	MPTcpExtOFOQueueTail
	MPTcpExtOFOQueue
	MPTcpExtOFOMerge
	MPTcpExtNoDSSInWindow
	MPTcpExtDuplicateData
	MPTcpExtAddAddr
	MPTcpExtAddAddrTx
	MPTcpExtAddAddrTxDrop
	MPTcpExtEchoAdd
	MPTcpExtEchoAddTx
	MPTcpExtEchoAddTxDrop
	MPTcpExtPortAdd
	MPTcpExtAddAddrDrop
	MPTcpExtMPJoinPortSynRx
	MPTcpExtMPJoinPortSynAckRx
	MPTcpExtMPJoinPortAckRx
	MPTcpExtMismatchPortSynRx
	MPTcpExtMismatchPortAckRx
	MPTcpExtRmAddr
	MPTcpExtRmAddrDrop
	MPTcpExtRmAddrTx
	MPTcpExtRmAddrTxDrop
	MPTcpExtRmSubflow
	MPTcpExtMPPrioTx
	MPTcpExtMPPrioRx
	MPTcpExtMPFailTx
	MPTcpExtMPFailRx
	MPTcpExtMPFastcloseTx
	MPTcpExtMPFastcloseRx
	MPTcpExtMPRstTx
	MPTcpExtMPRstRx
	MPTcpExtSubflowStale
	MPTcpExtSubflowRecover
	MPTcpExtSndWndShared
	MPTcpExtRcvWndShared
	MPTcpExtRcvWndConflictUpdate
	MPTcpExtRcvWndConflict
	MPTcpExtMPCurrEstab
	MPTcpExtBlackhole
	MPTcpExtMPCapableDataFallback
	MPTcpExtMD5SigFallback
	MPTcpExtDssFallback
	MPTcpExtSimultConnectFallback
	MPTcpExtFallbackFailed
	MPTcpExtWinProbe

	numCounters
)

// counterNames are the counters' names as nstat prints them, by Counter.
var counterNames = [numCounters]string{
	IpInReceives:                    "IpInReceives",
	IpInHdrErrors:                   "IpInHdrErrors",
	IpInAddrErrors:                  "IpInAddrErrors",
	IpForwDatagrams:                 "IpForwDatagrams",
	IpInUnknownProtos:               "IpInUnknownProtos",
	IpInDiscards:                    "IpInDiscards",
	IpInDelivers:                    "IpInDelivers",
	IpOutRequests:                   "IpOutRequests",
	IpOutDiscards:                   "IpOutDiscards",
	IpOutNoRoutes:                   "IpOutNoRoutes",
	IpReasmTimeout:                  "IpReasmTimeout",
	IpReasmReqds:                    "IpReasmReqds",
	IpReasmOKs:                      "IpReasmOKs",
	IpReasmFails:                    "IpReasmFails",
	IpFragOKs:                       "IpFragOKs",
	IpFragFails:                     "IpFragFails",
	IpFragCreates:                   "IpFragCreates",
	IpOutTransmits:                  "IpOutTransmits",
	IcmpInMsgs:                      "IcmpInMsgs",
	IcmpInErrors:                    "IcmpInErrors",
	IcmpInCsumErrors:                "IcmpInCsumErrors",
	IcmpInDestUnreachs:              "IcmpInDestUnreachs",
	IcmpInTimeExcds:                 "IcmpInTimeExcds",
	IcmpInParmProbs:                 "IcmpInParmProbs",
	IcmpInSrcQuenchs:                "IcmpInSrcQuenchs",
	IcmpInRedirects:                 "IcmpInRedirects",
	IcmpInEchos:                     "IcmpInEchos",
	IcmpInEchoReps:                  "IcmpInEchoReps",
	IcmpInTimestamps:                "IcmpInTimestamps",
	IcmpInTimestampReps:             "IcmpInTimestampReps",
	IcmpInAddrMasks:                 "IcmpInAddrMasks",
	IcmpInAddrMaskReps:              "IcmpInAddrMaskReps",
	IcmpOutMsgs:                     "IcmpOutMsgs",
	IcmpOutErrors:                   "IcmpOutErrors",
	IcmpOutRateLimitGlobal:          "IcmpOutRateLimitGlobal",
	IcmpOutRateLimitHost:            "IcmpOutRateLimitHost",
	IcmpOutDestUnreachs:             "IcmpOutDestUnreachs",
	IcmpOutTimeExcds:                "IcmpOutTimeExcds",
	IcmpOutParmProbs:                "IcmpOutParmProbs",
	IcmpOutSrcQuenchs:               "IcmpOutSrcQuenchs",
	IcmpOutRedirects:                "IcmpOutRedirects",
	IcmpOutEchos:                    "IcmpOutEchos",
	IcmpOutEchoReps:                 "IcmpOutEchoReps",
	IcmpOutTimestamps:               "IcmpOutTimestamps",
	IcmpOutTimestampReps:            "IcmpOutTimestampReps",
	IcmpOutAddrMasks:                "IcmpOutAddrMasks",
	IcmpOutAddrMaskReps:             "IcmpOutAddrMaskReps",
	TcpActiveOpens:                  "TcpActiveOpens",
	TcpPassiveOpens:                 "TcpPassiveOpens",
	TcpAttemptFails:                 "TcpAttemptFails",
	TcpEstabResets:                  "TcpEstabResets",
	TcpInSegs:                       "TcpInSegs",
	TcpOutSegs:                      "TcpOutSegs",
	TcpRetransSegs:                  "TcpRetransSegs",
	TcpInErrs:                       "TcpInErrs",
	TcpOutRsts:                      "TcpOutRsts",
	TcpInCsumErrors:                 "TcpInCsumErrors",
	UdpInDatagrams:                  "UdpInDatagrams",
	UdpNoPorts:                      "UdpNoPorts",
	UdpInErrors:                     "UdpInErrors",
	UdpOutDatagrams:                 "UdpOutDatagrams",
	UdpRcvbufErrors:                 "UdpRcvbufErrors",
	UdpSndbufErrors:                 "UdpSndbufErrors",
	UdpInCsumErrors:                 "UdpInCsumErrors",
	UdpIgnoredMulti:                 "UdpIgnoredMulti",
	UdpMemErrors:                    "UdpMemErrors",
	UdpLiteInDatagrams:              "UdpLiteInDatagrams",
	UdpLiteNoPorts:                  "UdpLiteNoPorts",
	UdpLiteInErrors:                 "UdpLiteInErrors",
	UdpLiteOutDatagrams:             "UdpLiteOutDatagrams",
	UdpLiteRcvbufErrors:             "UdpLiteRcvbufErrors",
	UdpLiteSndbufErrors:             "UdpLiteSndbufErrors",
	UdpLiteInCsumErrors:             "UdpLiteInCsumErrors",
	UdpLiteIgnoredMulti:             "UdpLiteIgnoredMulti",
	UdpLiteMemErrors:                "UdpLiteMemErrors",
	Ip6InReceives:                   "Ip6InReceives",
	Ip6InHdrErrors:                  "Ip6InHdrErrors",
	Ip6InTooBigErrors:               "Ip6InTooBigErrors",
	Ip6InNoRoutes:                   "Ip6InNoRoutes",
	Ip6InAddrErrors:                 "Ip6InAddrErrors",
	Ip6InUnknownProtos:              "Ip6InUnknownProtos",
	Ip6InTruncatedPkts:              "Ip6InTruncatedPkts",
	Ip6InDiscards:                   "Ip6InDiscards",
	Ip6InDelivers:                   "Ip6InDelivers",
	Ip6OutForwDatagrams:             "Ip6OutForwDatagrams",
	Ip6OutRequests:                  "Ip6OutRequests",
	Ip6OutDiscards:                  "Ip6OutDiscards",
	Ip6OutNoRoutes:                  "Ip6OutNoRoutes",
	Ip6ReasmTimeout:                 "Ip6ReasmTimeout",
	Ip6ReasmReqds:                   "Ip6ReasmReqds",
	Ip6ReasmOKs:                     "Ip6ReasmOKs",
	Ip6ReasmFails:                   "Ip6ReasmFails",
	Ip6FragOKs:                      "Ip6FragOKs",
	Ip6FragFails:                    "Ip6FragFails",
	Ip6FragCreates:                  "Ip6FragCreates",
	Ip6InMcastPkts:                  "Ip6InMcastPkts",
	Ip6OutMcastPkts:                 "Ip6OutMcastPkts",
	Ip6InOctets:                     "Ip6InOctets",
	Ip6OutOctets:                    "Ip6OutOctets",
	Ip6InMcastOctets:                "Ip6InMcastOctets",
	Ip6OutMcastOctets:               "Ip6OutMcastOctets",
	Ip6InBcastOctets:                "Ip6InBcastOctets",
	Ip6OutBcastOctets:               "Ip6OutBcastOctets",
	Ip6InNoECTPkts:                  "Ip6InNoECTPkts",
	Ip6InECT1Pkts:                   "Ip6InECT1Pkts",
	Ip6InECT0Pkts:                   "Ip6InECT0Pkts",
	Ip6InCEPkts:                     "Ip6InCEPkts",
	Ip6OutTransmits:                 "Ip6OutTransmits",
	Icmp6InMsgs:                     "Icmp6InMsgs",
	Icmp6InErrors:                   "Icmp6InErrors",
	Icmp6OutMsgs:                    "Icmp6OutMsgs",
	Icmp6OutErrors:                  "Icmp6OutErrors",
	Icmp6InCsumErrors:               "Icmp6InCsumErrors",
	Icmp6OutRateLimitHost:           "Icmp6OutRateLimitHost",
	Icmp6InDestUnreachs:             "Icmp6InDestUnreachs",
	Icmp6InPktTooBigs:               "Icmp6InPktTooBigs",
	Icmp6InTimeExcds:                "Icmp6InTimeExcds",
	Icmp6InParmProblems:             "Icmp6InParmProblems",
	Icmp6InEchos:                    "Icmp6InEchos",
	Icmp6InEchoReplies:              "Icmp6InEchoReplies",
	Icmp6InGroupMembQueries:         "Icmp6InGroupMembQueries",
	Icmp6InGroupMembResponses:       "Icmp6InGroupMembResponses",
	Icmp6InGroupMembReductions:      "Icmp6InGroupMembReductions",
	Icmp6InRouterSolicits:           "Icmp6InRouterSolicits",
	Icmp6InRouterAdvertisements:     "Icmp6InRouterAdvertisements",
	Icmp6InNeighborSolicits:         "Icmp6InNeighborSolicits",
	Icmp6InNeighborAdvertisements:   "Icmp6InNeighborAdvertisements",
	Icmp6InRedirects:                "Icmp6InRedirects",
	Icmp6InMLDv2Reports:             "Icmp6InMLDv2Reports",
	Icmp6OutDestUnreachs:            "Icmp6OutDestUnreachs",
	Icmp6OutPktTooBigs:              "Icmp6OutPktTooBigs",
	Icmp6OutTimeExcds:               "Icmp6OutTimeExcds",
	Icmp6OutParmProblems:            "Icmp6OutParmProblems",
	Icmp6OutEchos:                   "Icmp6OutEchos",
	Icmp6OutEchoReplies:             "Icmp6OutEchoReplies",
	Icmp6OutGroupMembQueries:        "Icmp6OutGroupMembQueries",
	Icmp6OutGroupMembResponses:      "Icmp6OutGroupMembResponses",
	Icmp6OutGroupMembReductions:     "Icmp6OutGroupMembReductions",
	Icmp6OutRouterSolicits:          "Icmp6OutRouterSolicits",
	Icmp6OutRouterAdvertisements:    "Icmp6OutRouterAdvertisements",
	Icmp6OutNeighborSolicits:        "Icmp6OutNeighborSolicits",
	Icmp6OutNeighborAdvertisements:  "Icmp6OutNeighborAdvertisements",
	Icmp6OutRedirects:               "Icmp6OutRedirects",
	Icmp6OutMLDv2Reports:            "Icmp6OutMLDv2Reports",
	Udp6InDatagrams:                 "Udp6InDatagrams",
	Udp6NoPorts:                     "Udp6NoPorts",
	Udp6InErrors:                    "Udp6InErrors",
	Udp6OutDatagrams:                "Udp6OutDatagrams",
	Udp6RcvbufErrors:                "Udp6RcvbufErrors",
	Udp6SndbufErrors:                "Udp6SndbufErrors",
	Udp6InCsumErrors:                "Udp6InCsumErrors",
	Udp6IgnoredMulti:                "Udp6IgnoredMulti",
	Udp6MemErrors:                   "Udp6MemErrors",
	UdpLite6InDatagrams:             "UdpLite6InDatagrams",
	UdpLite6NoPorts:                 "UdpLite6NoPorts",
	UdpLite6InErrors:                "UdpLite6InErrors",
	UdpLite6OutDatagrams:            "UdpLite6OutDatagrams",
	UdpLite6RcvbufErrors:            "UdpLite6RcvbufErrors",
	UdpLite6SndbufErrors:            "UdpLite6SndbufErrors",
	UdpLite6InCsumErrors:            "UdpLite6InCsumErrors",
	UdpLite6MemErrors:               "UdpLite6MemErrors",
	TcpExtSyncookiesSent:            "TcpExtSyncookiesSent",
	TcpExtSyncookiesRecv:            "TcpExtSyncookiesRecv",
	TcpExtSyncookiesFailed:          "TcpExtSyncookiesFailed",
	TcpExtEmbryonicRsts:             "TcpExtEmbryonicRsts",
	TcpExtPruneCalled:               "TcpExtPruneCalled",
	TcpExtRcvPruned:                 "TcpExtRcvPruned",
	TcpExtOfoPruned:                 "TcpExtOfoPruned",
	TcpExtOutOfWindowIcmps:          "TcpExtOutOfWindowIcmps",
	TcpExtLockDroppedIcmps:          "TcpExtLockDroppedIcmps",
	TcpExtArpFilter:                 "TcpExtArpFilter",
	TcpExtTW:                        "TcpExtTW",
	TcpExtTWRecycled:                "TcpExtTWRecycled",
	TcpExtTWKilled:                  "TcpExtTWKilled",
	TcpExtPAWSActive:                "TcpExtPAWSActive",
	TcpExtPAWSEstab:                 "TcpExtPAWSEstab",
	TcpExtBeyondWindow:              "TcpExtBeyondWindow",
	TcpExtTSEcrRejected:             "TcpExtTSEcrRejected",
	TcpExtPAWSOldAck:                "TcpExtPAWSOldAck",
	TcpExtPAWSTimewait:              "TcpExtPAWSTimewait",
	TcpExtDelayedACKs:               "TcpExtDelayedACKs",
	TcpExtDelayedACKLocked:          "TcpExtDelayedACKLocked",
	TcpExtDelayedACKLost:            "TcpExtDelayedACKLost",
	TcpExtListenOverflows:           "TcpExtListenOverflows",
	TcpExtListenDrops:               "TcpExtListenDrops",
	TcpExtTCPHPHits:                 "TcpExtTCPHPHits",
	TcpExtTCPPureAcks:               "TcpExtTCPPureAcks",
	TcpExtTCPHPAcks:                 "TcpExtTCPHPAcks",
	TcpExtTCPRenoRecovery:           "TcpExtTCPRenoRecovery",
	TcpExtTCPSackRecovery:           "TcpExtTCPSackRecovery",
	TcpExtTCPSACKReneging:           "TcpExtTCPSACKReneging",
	TcpExtTCPSACKReorder:            "TcpExtTCPSACKReorder",
	TcpExtTCPRenoReorder:            "TcpExtTCPRenoReorder",
	TcpExtTCPTSReorder:              "TcpExtTCPTSReorder",
	TcpExtTCPFullUndo:               "TcpExtTCPFullUndo",
	TcpExtTCPPartialUndo:            "TcpExtTCPPartialUndo",
	TcpExtTCPDSACKUndo:              "TcpExtTCPDSACKUndo",
	TcpExtTCPLossUndo:               "TcpExtTCPLossUndo",
	TcpExtTCPLostRetransmit:         "TcpExtTCPLostRetransmit",
	TcpExtTCPRenoFailures:           "TcpExtTCPRenoFailures",
	TcpExtTCPSackFailures:           "TcpExtTCPSackFailures",
	TcpExtTCPLossFailures:           "TcpExtTCPLossFailures",
	TcpExtTCPFastRetrans:            "TcpExtTCPFastRetrans",
	TcpExtTCPSlowStartRetrans:       "TcpExtTCPSlowStartRetrans",
	TcpExtTCPTimeouts:               "TcpExtTCPTimeouts",
	TcpExtTCPLossProbes:             "TcpExtTCPLossProbes",
	TcpExtTCPLossProbeRecovery:      "TcpExtTCPLossProbeRecovery",
	TcpExtTCPRenoRecoveryFail:       "TcpExtTCPRenoRecoveryFail",
	TcpExtTCPSackRecoveryFail:       "TcpExtTCPSackRecoveryFail",
	TcpExtTCPRcvCollapsed:           "TcpExtTCPRcvCollapsed",
	TcpExtTCPBacklogCoalesce:        "TcpExtTCPBacklogCoalesce",
	TcpExtTCPDSACKOldSent:           "TcpExtTCPDSACKOldSent",
	TcpExtTCPDSACKOfoSent:           "TcpExtTCPDSACKOfoSent",
	TcpExtTCPDSACKRecv:              "TcpExtTCPDSACKRecv",
	TcpExtTCPDSACKOfoRecv:           "TcpExtTCPDSACKOfoRecv",
	TcpExtTCPAbortOnData:            "TcpExtTCPAbortOnData",
	TcpExtTCPAbortOnClose:           "TcpExtTCPAbortOnClose",
	TcpExtTCPAbortOnMemory:          "TcpExtTCPAbortOnMemory",
	TcpExtTCPAbortOnTimeout:         "TcpExtTCPAbortOnTimeout",
	TcpExtTCPAbortOnLinger:          "TcpExtTCPAbortOnLinger",
	TcpExtTCPAbortFailed:            "TcpExtTCPAbortFailed",
	TcpExtTCPMemoryPressures:        "TcpExtTCPMemoryPressures",
	TcpExtTCPMemoryPressuresChrono:  "TcpExtTCPMemoryPressuresChrono",
	TcpExtTCPSACKDiscard:            "TcpExtTCPSACKDiscard",
	TcpExtTCPDSACKIgnoredOld:        "TcpExtTCPDSACKIgnoredOld",
	TcpExtTCPDSACKIgnoredNoUndo:     "TcpExtTCPDSACKIgnoredNoUndo",
	TcpExtTCPSpuriousRTOs:           "TcpExtTCPSpuriousRTOs",
	TcpExtTCPMD5NotFound:            "TcpExtTCPMD5NotFound",
	TcpExtTCPMD5Unexpected:          "TcpExtTCPMD5Unexpected",
	TcpExtTCPMD5Failure:             "TcpExtTCPMD5Failure",
	TcpExtTCPSackShifted:            "TcpExtTCPSackShifted",
	TcpExtTCPSackMerged:             "TcpExtTCPSackMerged",
	TcpExtTCPSackShiftFallback:      "TcpExtTCPSackShiftFallback",
	TcpExtTCPBacklogDrop:            "TcpExtTCPBacklogDrop",
	TcpExtPFMemallocDrop:            "TcpExtPFMemallocDrop",
	TcpExtTCPMinTTLDrop:             "TcpExtTCPMinTTLDrop",
	TcpExtTCPDeferAcceptDrop:        "TcpExtTCPDeferAcceptDrop",
	TcpExtIPReversePathFilter:       "TcpExtIPReversePathFilter",
	TcpExtTCPTimeWaitOverflow:       "TcpExtTCPTimeWaitOverflow",
	TcpExtTCPReqQFullDoCookies:      "TcpExtTCPReqQFullDoCookies",
	TcpExtTCPReqQFullDrop:           "TcpExtTCPReqQFullDrop",
	TcpExtTCPRetransFail:            "TcpExtTCPRetransFail",
	TcpExtTCPRcvCoalesce:            "TcpExtTCPRcvCoalesce",
	TcpExtTCPOFOQueue:               "TcpExtTCPOFOQueue",
	TcpExtTCPOFODrop:                "TcpExtTCPOFODrop",
	TcpExtTCPOFOMerge:               "TcpExtTCPOFOMerge",
	TcpExtTCPChallengeACK:           "TcpExtTCPChallengeACK",
	TcpExtTCPSYNChallenge:           "TcpExtTCPSYNChallenge",
	TcpExtTCPFastOpenActive:         "TcpExtTCPFastOpenActive",
	TcpExtTCPFastOpenActiveFail:     "TcpExtTCPFastOpenActiveFail",
	TcpExtTCPFastOpenPassive:        "TcpExtTCPFastOpenPassive",
	TcpExtTCPFastOpenPassiveFail:    "TcpExtTCPFastOpenPassiveFail",
	TcpExtTCPFastOpenListenOverflow: "TcpExtTCPFastOpenListenOverflow",
	TcpExtTCPFastOpenCookieReqd:     "TcpExtTCPFastOpenCookieReqd",
	TcpExtTCPFastOpenBlackhole:      "TcpExtTCPFastOpenBlackhole",
	TcpExtTCPSpuriousRtxHostQueues:  "TcpExtTCPSpuriousRtxHostQueues",
	TcpExtBusyPollRxPackets:         "TcpExtBusyPollRxPackets",
	TcpExtTCPAutoCorking:            "TcpExtTCPAutoCorking",
	TcpExtTCPFromZeroWindowAdv:      "TcpExtTCPFromZeroWindowAdv",
	TcpExtTCPToZeroWindowAdv:        "TcpExtTCPToZeroWindowAdv",
	TcpExtTCPWantZeroWindowAdv:      "TcpExtTCPWantZeroWindowAdv",
	TcpExtTCPSynRetrans:             "TcpExtTCPSynRetrans",
	TcpExtTCPOrigDataSent:           "TcpExtTCPOrigDataSent",
	TcpExtTCPHystartTrainDetect:     "TcpExtTCPHystartTrainDetect",
	TcpExtTCPHystartTrainCwnd:       "TcpExtTCPHystartTrainCwnd",
	TcpExtTCPHystartDelayDetect:     "TcpExtTCPHystartDelayDetect",
	TcpExtTCPHystartDelayCwnd:       "TcpExtTCPHystartDelayCwnd",
	TcpExtTCPACKSkippedSynRecv:      "TcpExtTCPACKSkippedSynRecv",
	TcpExtTCPACKSkippedPAWS:         "TcpExtTCPACKSkippedPAWS",
	TcpExtTCPACKSkippedSeq:          "TcpExtTCPACKSkippedSeq",
	TcpExtTCPACKSkippedFinWait2:     "TcpExtTCPACKSkippedFinWait2",
	TcpExtTCPACKSkippedTimeWait:     "TcpExtTCPACKSkippedTimeWait",
	TcpExtTCPACKSkippedChallenge:    "TcpExtTCPACKSkippedChallenge",
	TcpExtTCPWinProbe:               "TcpExtTCPWinProbe",
	TcpExtTCPKeepAlive:              "TcpExtTCPKeepAlive",
	TcpExtTCPMTUPFail:               "TcpExtTCPMTUPFail",
	TcpExtTCPMTUPSuccess:            "TcpExtTCPMTUPSuccess",
	TcpExtTCPDelivered:              "TcpExtTCPDelivered",
	TcpExtTCPDeliveredCE:            "TcpExtTCPDeliveredCE",
	TcpExtTCPAckCompressed:          "TcpExtTCPAckCompressed",
	TcpExtTCPZeroWindowDrop:         "TcpExtTCPZeroWindowDrop",
	TcpExtTCPRcvQDrop:               "TcpExtTCPRcvQDrop",
	TcpExtTCPWqueueTooBig:           "TcpExtTCPWqueueTooBig",
	TcpExtTCPFastOpenPassiveAltKey:  "TcpExtTCPFastOpenPassiveAltKey",
	TcpExtTcpTimeoutRehash:          "TcpExtTcpTimeoutRehash",
	TcpExtTcpDuplicateDataRehash:    "TcpExtTcpDuplicateDataRehash",
	TcpExtTCPDSACKRecvSegs:          "TcpExtTCPDSACKRecvSegs",
	TcpExtTCPDSACKIgnoredDubious:    "TcpExtTCPDSACKIgnoredDubious",
	TcpExtTCPMigrateReqSuccess:      "TcpExtTCPMigrateReqSuccess",
	TcpExtTCPMigrateReqFailure:      "TcpExtTCPMigrateReqFailure",
	TcpExtTCPPLBRehash:              "TcpExtTCPPLBRehash",
	TcpExtTCPAORequired:             "TcpExtTCPAORequired",
	TcpExtTCPAOBad:                  "TcpExtTCPAOBad",
	TcpExtTCPAOKeyNotFound:          "TcpExtTCPAOKeyNotFound",
	TcpExtTCPAOGood:                 "TcpExtTCPAOGood",
	TcpExtTCPAODroppedIcmps:         "TcpExtTCPAODroppedIcmps",
	IpExtInNoRoutes:                 "IpExtInNoRoutes",
	IpExtInTruncatedPkts:            "IpExtInTruncatedPkts",
	IpExtInMcastPkts:                "IpExtInMcastPkts",
	IpExtOutMcastPkts:               "IpExtOutMcastPkts",
	IpExtInBcastPkts:                "IpExtInBcastPkts",
	IpExtOutBcastPkts:               "IpExtOutBcastPkts",
	IpExtInOctets:                   "IpExtInOctets",
	IpExtOutOctets:                  "IpExtOutOctets",
	IpExtInMcastOctets:              "IpExtInMcastOctets",
	IpExtOutMcastOctets:             "IpExtOutMcastOctets",
	IpExtInBcastOctets:              "IpExtInBcastOctets",
	IpExtOutBcastOctets:             "IpExtOutBcastOctets",
	IpExtInCsumErrors:               "IpExtInCsumErrors",
	IpExtInNoECTPkts:                "IpExtInNoECTPkts",
	IpExtInECT1Pkts:                 "IpExtInECT1Pkts",
	IpExtInECT0Pkts:                 "IpExtInECT0Pkts",
	IpExtInCEPkts:                   "IpExtInCEPkts",
	IpExtReasmOverlaps:              "IpExtReasmOverlaps",
	MPTcpExtMPCapableSYNRX:          "MPTcpExtMPCapableSYNRX",
	MPTcpExtMPCapableSYNTX:          "MPTcpExtMPCapableSYNTX",
	MPTcpExtMPCapableSYNACKRX:       "MPTcpExtMPCapableSYNACKRX",
	MPTcpExtMPCapableACKRX:          "MPTcpExtMPCapableACKRX",
	MPTcpExtMPCapableFallbackACK:    "MPTcpExtMPCapableFallbackACK",
	MPTcpExtMPCapableFallbackSYNACK: "MPTcpExtMPCapableFallbackSYNACK",
	MPTcpExtMPCapableSYNTXDrop:      "MPTcpExtMPCapableSYNTXDrop",
	MPTcpExtMPCapableSYNTXDisabled:  "MPTcpExtMPCapableSYNTXDisabled",
	MPTcpExtMPCapableEndpAttempt:    "MPTcpExtMPCapableEndpAttempt",
	MPTcpExtMPFallbackTokenInit:     "MPTcpExtMPFallbackTokenInit",
	MPTcpExtMPTCPRetrans:            "MPTcpExtMPTCPRetrans",
	MPTcpExtMPJoinNoTokenFound:      "MPTcpExtMPJoinNoTokenFound",
	MPTcpExtMPJoinSynRx:             "MPTcpExtMPJoinSynRx",
	MPTcpExtMPJoinSynBackupRx:       "MPTcpExtMPJoinSynBackupRx",
	MPTcpExtMPJoinSynAckRx:          "MPTcpExtMPJoinSynAckRx",
	MPTcpExtMPJoinSynAckBackupRx:    "MPTcpExtMPJoinSynAckBackupRx",
	MPTcpExtMPJoinSynAckHMacFailure: "MPTcpExtMPJoinSynAckHMacFailure",
	MPTcpExtMPJoinAckRx:             "MPTcpExtMPJoinAckRx",
	MPTcpExtMPJoinAckHMacFailure:    "MPTcpExtMPJoinAckHMacFailure",
	MPTcpExtMPJoinRejected:          "MPTcpExtMPJoinRejected",
	MPTcpExtMPJoinSynTx:             "MPTcpExtMPJoinSynTx",
	MPTcpExtMPJoinSynTxCreatSkErr:   "MPTcpExtMPJoinSynTxCreatSkErr",
	MPTcpExtMPJoinSynTxBindErr:      "MPTcpExtMPJoinSynTxBindErr",
	MPTcpExtMPJoinSynTxConnectErr:   "MPTcpExtMPJoinSynTxConnectErr",
	MPTcpExtDSSNotMatching:          "MPTcpExtDSSNotMatching",
	MPTcpExtDSSCorruptionFallback:   "MPTcpExtDSSCorruptionFallback",
	MPTcpExtDSSCorruptionReset:      "MPTcpExtDSSCorruptionReset",
	MPTcpExtInfiniteMapTx:           "MPTcpExtInfiniteMapTx",
	MPTcpExtInfiniteMapRx:           "MPTcpExtInfiniteMapRx",
	MPTcpExtDSSNoMatchTCP:           "MPTcpExtDSSNoMatchTCP",
	MPTcpExtDataCsumErr:             "MPTcpExtDataCsumErr",
	MPTcpExtOFOQueueTail:            "MPTcpExtOFOQueueTail",
	MPTcpExtOFOQueue:                "MPTcpExtOFOQueue",
	MPTcpExtOFOMerge:                "MPTcpExtOFOMerge",
	MPTcpExtNoDSSInWindow:           "MPTcpExtNoDSSInWindow",
	MPTcpExtDuplicateData:           "MPTcpExtDuplicateData",
	MPTcpExtAddAddr:                 "MPTcpExtAddAddr",
	MPTcpExtAddAddrTx:               "MPTcpExtAddAddrTx",
	MPTcpExtAddAddrTxDrop:           "MPTcpExtAddAddrTxDrop",
	MPTcpExtEchoAdd:                 "MPTcpExtEchoAdd",
	MPTcpExtEchoAddTx:               "MPTcpExtEchoAddTx",
	MPTcpExtEchoAddTxDrop:           "MPTcpExtEchoAddTxDrop",
	MPTcpExtPortAdd:                 "MPTcpExtPortAdd",
	MPTcpExtAddAddrDrop:             "MPTcpExtAddAddrDrop",
	MPTcpExtMPJoinPortSynRx:         "MPTcpExtMPJoinPortSynRx",
	MPTcpExtMPJoinPortSynAckRx:      "MPTcpExtMPJoinPortSynAckRx",
	MPTcpExtMPJoinPortAckRx:         "MPTcpExtMPJoinPortAckRx",
	MPTcpExtMismatchPortSynRx:       "MPTcpExtMismatchPortSynRx",
	MPTcpExtMismatchPortAckRx:       "MPTcpExtMismatchPortAckRx",
	MPTcpExtRmAddr:                  "MPTcpExtRmAddr",
	MPTcpExtRmAddrDrop:              "MPTcpExtRmAddrDrop",
	MPTcpExtRmAddrTx:                "MPTcpExtRmAddrTx",
	MPTcpExtRmAddrTxDrop:            "MPTcpExtRmAddrTxDrop",
	MPTcpExtRmSubflow:               "MPTcpExtRmSubflow",
	MPTcpExtMPPrioTx:                "MPTcpExtMPPrioTx",
	MPTcpExtMPPrioRx:                "MPTcpExtMPPrioRx",
	MPTcpExtMPFailTx:                "MPTcpExtMPFailTx",
	MPTcpExtMPFailRx:                "MPTcpExtMPFailRx",
	MPTcpExtMPFastcloseTx:           "MPTcpExtMPFastcloseTx",
	MPTcpExtMPFastcloseRx:           "MPTcpExtMPFastcloseRx",
	MPTcpExtMPRstTx:                 "MPTcpExtMPRstTx",
	MPTcpExtMPRstRx:                 "MPTcpExtMPRstRx",
	MPTcpExtSubflowStale:            "MPTcpExtSubflowStale",
	MPTcpExtSubflowRecover:          "MPTcpExtSubflowRecover",
	MPTcpExtSndWndShared:            "MPTcpExtSndWndShared",
	MPTcpExtRcvWndShared:            "MPTcpExtRcvWndShared",
	MPTcpExtRcvWndConflictUpdate:    "MPTcpExtRcvWndConflictUpdate",
	MPTcpExtRcvWndConflict:          "MPTcpExtRcvWndConflict",
	MPTcpExtMPCurrEstab:             "MPTcpExtMPCurrEstab",
	MPTcpExtBlackhole:               "MPTcpExtBlackhole",
	MPTcpExtMPCapableDataFallback:   "MPTcpExtMPCapableDataFallback",
	MPTcpExtMD5SigFallback:          "MPTcpExtMD5SigFallback",
	MPTcpExtDssFallback:             "MPTcpExtDssFallback",
	MPTcpExtSimultConnectFallback:   "MPTcpExtSimultConnectFallback",
	MPTcpExtFallbackFailed:          "MPTcpExtFallbackFailed",
	MPTcpExtWinProbe:                "MPTcpExtWinProbe",
}

// lastIcmp is the last Icmp counter: the IcmpMsg lines follow it.
const lastIcmp = IcmpOutAddrMaskReps

// firstIp6 is the first counter of snmp6, before which the kernel's
// /proc/net/snmp ends.
const firstIp6 = Ip6InReceives
