module example.com/gopsnative/readbuildinfo

go 1.22
