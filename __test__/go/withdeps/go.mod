module example.com/gopsnative/withdeps

go 1.22

require (
	example.com/gopsnative/localdep v0.0.0
	rsc.io/quote v1.5.2
)

require (
	golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c // indirect
	rsc.io/sampler v1.3.0 // indirect
)

replace example.com/gopsnative/localdep => ./localdep

replace rsc.io/sampler => rsc.io/sampler v1.99.99
