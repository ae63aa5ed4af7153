module example.com/gopsnative/durations

go 1.22
