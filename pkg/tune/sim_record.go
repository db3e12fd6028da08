package tune

import "github.com/stackbox/stackbox/pkg/nic"

// SimChange is one change made to a simulated host, as Sim.Record hears
// of it: a sysctl written (Kind "sysctl", Sysctl and Value) or a NIC
// setting (Kind "rings", "channels", "coalesce", "pause" with Params, or
// "features" with Features, on Device).
type SimChange struct {
	Kind     string
	Device   string
	Sysctl   string
	Value    string
	Params   []nic.Param
	Features []nic.FeatureRequest
}

// recordingNIC is a simulated NIC's Configurer that tells the Sim's
// Record of every change the NIC accepted.
type recordingNIC struct {
	nic.Configurer
	dev    string
	record func(SimChange) error
}

func (r *recordingNIC) set(kind string, params []nic.Param, set func([]nic.Param) error) error {
	if err := set(params); err != nil {
		return err
	}
	return r.record(SimChange{Kind: kind, Device: r.dev, Params: params})
}

func (r *recordingNIC) SetRings(p []nic.Param) error {
	return r.set("rings", p, r.Configurer.SetRings)
}

func (r *recordingNIC) SetChannels(p []nic.Param) error {
	return r.set("channels", p, r.Configurer.SetChannels)
}

func (r *recordingNIC) SetCoalesce(p []nic.Param) error {
	return r.set("coalesce", p, r.Configurer.SetCoalesce)
}

func (r *recordingNIC) SetPause(p []nic.Param) error {
	return r.set("pause", p, r.Configurer.SetPause)
}

func (r *recordingNIC) SetFeatures(req []nic.FeatureRequest) ([]nic.FeatureDiff, error) {
	d, err := r.Configurer.SetFeatures(req)
	if err != nil {
		return d, err
	}
	return d, r.record(SimChange{Kind: "features", Device: r.dev, Features: req})
}
